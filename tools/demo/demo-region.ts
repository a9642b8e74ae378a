import type { Actor } from '../../src/domain/identity/actor';
import type { DomainServices } from '../../src/domain/services';

/**
 * The demo bureau's region settings. Name, address and phone are the bureau's public contact from
 * the tender; every other value is a DEMO VALUE chosen to look like an intranet deployment — a real
 * bureau sets its own through PUT /api/v1/settings/region/{key} before go-live (README).
 */
export const DEMO_REGION: Readonly<Record<string, string>> = {
  'bureau.name': '湛江市财政局',
  'bureau.billOffice': '湛江市财政局票据管理科',
  'bureau.address': '湛江市赤坎区康顺路48号财政局二楼213室',
  'bureau.phone': '0759-3220875',
  // Demo values from here on.
  'bureau.hours': '工作日上午 8:30-12:00，下午 14:30-17:30',
  'support.team': '票据系统驻场工程师',
  'support.phone': '0759-3220876',
  'support.hours': '工作日 8:00-18:00 一小时内响应，其他时间三小时内响应',
  'system.name': '湛江市财政票据管理系统',
  'system.url': 'http://10.44.8.20/fbd',
  'download.path': '系统登录页下方的「下载中心」',
  'browser.recommended': 'Chrome 或 Edge 最新版，国产系统用 360 安全浏览器极速模式',
  'login.lockTimes': '5 次',
  'password.rule': '至少 8 位，须包含大小写字母、数字和特殊字符，每 90 天更换一次',
  'ca.provider': '广东省数字证书认证中心湛江服务点',
  'ca.phone': '0759-3332000',
  'writeoff.cycle': '每季度结束后 15 日内',
  'lost.reportDays': '3 日内',
  'lost.newspaper': '湛江日报或财政局网站公告栏',
  'fee.policy': '本市领用财政票据不收取工本费。',
  'training.schedule': '每季度第一个月的第二个周三下午在财政局二楼会议室集中培训，新上线单位另行安排上线培训',
  'ebill.delivery': '短信链接、电子邮件或单位公众号',
  'verify.url': '全国财政电子票据查验平台',
  'verify.localUrl': 'http://10.44.8.20/fbd/verify',
};

/** Fills the region settings through the service, as an admin would through the API. */
export async function writeDemoRegion(services: Pick<DomainServices, 'region'>, admin: Actor): Promise<void> {
  for (const [key, value] of Object.entries(DEMO_REGION)) await services.region.put(admin, key, { value });
}
