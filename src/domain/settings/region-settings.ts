import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import { NotFoundError, ValidationError } from '../errors';
import { graceMonthsOf, WRITEOFF_GRACE_MONTHS_KEY } from '../documents/application.rules';
import type { Actor } from '../identity/actor';
import { requirePermission } from '../policy';

/** How a region value is checked before it is stored. */
type RegionKind = 'text' | 'phone' | 'url';

interface RegionKey {
  key: string;
  label: string;
  kind: RegionKind;
  /**
   * What an answer says while the value is unset, when a neutral wording exists (a name); keys
   * without one make the answer point to the configured contact instead.
   */
  neutral?: string;
}

/**
 * The values a bureau localises before go-live (README「上线前本地化」). Answers name them as
 * {{key}}; an unset value never shows a placeholder or a made-up value: names fall back to a
 * neutral wording, facts point to the configured contact, and the daily inspection lists them.
 */
export const REGION_KEYS: readonly RegionKey[] = [
  { key: 'bureau.name', label: '财政局名称', kind: 'text', neutral: '财政局' },
  { key: 'bureau.billOffice', label: '票据管理科室名称', kind: 'text', neutral: '财政局票据管理部门' },
  { key: 'bureau.address', label: '办公地址', kind: 'text' },
  { key: 'bureau.phone', label: '联系电话（咨询电话）', kind: 'phone' },
  { key: 'bureau.hours', label: '办公时间', kind: 'text' },
  { key: 'support.team', label: '运维团队称呼', kind: 'text', neutral: '驻场工程师' },
  { key: 'support.phone', label: '运维服务电话', kind: 'phone' },
  { key: 'support.hours', label: '运维服务时间与响应承诺', kind: 'text' },
  { key: 'system.name', label: '票据系统名称', kind: 'text', neutral: '财政票据管理系统' },
  { key: 'system.url', label: '票据系统登录网址', kind: 'url' },
  { key: 'download.path', label: '控件与驱动下载位置', kind: 'text' },
  { key: 'browser.recommended', label: '推荐浏览器', kind: 'text' },
  { key: 'login.lockTimes', label: '连续输错密码锁定次数（如“5 次”）', kind: 'text', neutral: '多次' },
  { key: 'password.rule', label: '密码规则', kind: 'text' },
  { key: 'ca.provider', label: 'CA 数字证书服务机构', kind: 'text' },
  { key: 'ca.phone', label: 'CA 服务电话', kind: 'phone' },
  { key: 'writeoff.cycle', label: '核销上报周期', kind: 'text' },
  { key: 'lost.reportDays', label: '票据遗失报告时限（如“3 日内”）', kind: 'text', neutral: '及时' },
  { key: 'lost.newspaper', label: '遗失声明刊登媒体', kind: 'text' },
  { key: 'fee.policy', label: '票据工本费政策', kind: 'text' },
  { key: 'training.schedule', label: '培训安排（日期与方式）', kind: 'text' },
  { key: 'ebill.delivery', label: '电子票据交付方式', kind: 'text' },
  { key: 'verify.url', label: '电子票据查验平台', kind: 'text', neutral: '全国财政电子票据查验平台' },
  { key: 'verify.localUrl', label: '本地票据查验页面', kind: 'url' },
];
const BY_KEY = new Map(REGION_KEYS.map((k) => [k.key, k]));
export const REGION_KEY_NAMES: readonly string[] = REGION_KEYS.map((k) => k.key);

const PREFIX = 'region.';
const CACHE_MS = 10_000;
/** Words that mark a made-up value: such a value must never reach a user, so it is never stored. */
const PLACEHOLDER_WORDS = /示例|请核对|请按本地|请填写|TODO|lorem|example\.(com|gov|cn)|\b0000-\d|\{\{|\}\}/i;

const valueSchemas: Record<RegionKind, z.ZodType<string>> = {
  text: z.string().trim().min(1).max(200),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9０-９+\-–（）() 、,，转/]{5,60}$/, '电话只能包含数字、区号分隔符和“转”'),
  url: z
    .string()
    .trim()
    .max(300)
    .regex(/^https?:\/\/[^\s]+$/i, '网址须以 http:// 或 https:// 开头'),
};

/** PUT /settings/region/:key — a value, or null to unset it. */
export const putRegionSettingSchema = z.object({ value: z.string().max(300).nullable() }).strict();
export type PutRegionSettingInput = z.infer<typeof putRegionSettingSchema>;

export interface RegionSettingView {
  key: string;
  label: string;
  value: string | null;
}

/** A value checked for its key: the zod rule of its kind, and never placeholder wording. */
export function parseRegionValue(key: string, value: string): string {
  const def = BY_KEY.get(key)!;
  const parsed = valueSchemas[def.kind].safeParse(value);
  const issue = parsed.success
    ? PLACEHOLDER_WORDS.test(value)
      ? '不能使用示例或占位文字，请填写本地实际取值'
      : null
    : parsed.error.issues[0].message;
  if (issue !== null || !parsed.success) throw regionInvalid(issue ?? '取值无效');
  return parsed.data;
}

const regionInvalid = (message: string) =>
  new ValidationError('INVALID_INPUT', `地区设置取值无效：${message}`, [{ path: 'value', message }]);

/**
 * The values answers are rendered with: stored values first, then the knowledge base's own
 * (business numbers such as retention years), then for unset keys a neutral name or a pointer to
 * the configured contact (the bill office's phone; with none, 「转人工」).
 */
export function effectiveRegion(base: Record<string, string | number>, stored: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = { ...base };
  for (const [k, v] of Object.entries(stored)) out[k] = v;
  const office = String(out['bureau.billOffice'] ?? BY_KEY.get('bureau.billOffice')!.neutral);
  const phone = out['bureau.phone'];
  const ask = phone !== undefined ? `请致电${office}（${phone}）询问` : '请回复“转人工”询问';
  for (const def of REGION_KEYS)
    if (out[def.key] === undefined) out[def.key] = def.neutral ?? `${def.label.replace(/（.*$/, '')}暂未公布，${ask}`;
  return out;
}

/** Region values kept as settings (`region.<key>`): listed and changed by admins through the API, audited. */
export function makeRegionSettings(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;

  // Answers read the values on every message: kept in memory for a short while (one statement per
  // CACHE_MS at most), dropped at once when this process changes one; other processes see a change within CACHE_MS.
  let cache: { at: number; values: Record<string, string> } | null = null;

  async function stored(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const row of await store.read.settings.byPrefix(PREFIX)) {
      const key = row.key.slice(PREFIX.length);
      if (BY_KEY.has(key)) out[key] = row.value;
    }
    return out;
  }
  async function cached(): Promise<Record<string, string>> {
    if (cache && performance.now() - cache.at < CACHE_MS) return cache.values;
    const grace = graceMonthsOf(await store.read.settings.get(WRITEOFF_GRACE_MONTHS_KEY));
    const values = { ...(await stored()), 'writeoff.overdueMonths': String(grace) };
    cache = { at: performance.now(), values };
    return values;
  }
  const known = (key: string) => {
    if (!BY_KEY.has(key)) throw new NotFoundError('SETTING_NOT_FOUND', `没有名为 ${key} 的地区设置`);
    return BY_KEY.get(key)!;
  };

  return {
    /**
     * Stored values by key (unset keys absent), plus the 核旧领新 months the ledger actually applies:
     * the bot renders answers with them, so an answer never states another rule than the check.
     */
    values: cached,

    /** Keys without a value, with their labels (the daily inspection lists them). */
    async unset(): Promise<RegionSettingView[]> {
      const set = await stored();
      return REGION_KEYS.filter((d) => set[d.key] === undefined).map((d) => ({ key: d.key, label: d.label, value: null }));
    },

    async list(actor: Actor): Promise<{ items: RegionSettingView[] }> {
      requirePermission(actor, 'region.read');
      const set = await stored();
      return { items: REGION_KEYS.map((d) => ({ key: d.key, label: d.label, value: set[d.key] ?? null })) };
    },

    async get(actor: Actor, key: string): Promise<RegionSettingView> {
      requirePermission(actor, 'region.read');
      const def = known(key);
      return { key, label: def.label, value: await store.read.settings.get(PREFIX + key) };
    },

    /** Sets (or with null clears) one value; a refused value changes nothing. */
    async put(actor: Actor, key: string, input: PutRegionSettingInput): Promise<RegionSettingView> {
      requirePermission(actor, 'region.edit');
      const def = known(key);
      const value = input.value === null || input.value.trim() === '' ? null : parseRegionValue(key, input.value);
      cache = null;
      return store
        .transaction(async (tx) => {
          const before = await tx.settings.get(PREFIX + key);
          if (value === null) await tx.settings.remove(PREFIX + key);
          else await tx.settings.set(PREFIX + key, value);
          await tx.audit.record(actor, clock.now(), {
            action: 'settings.region',
            entityType: 'setting',
            entityId: PREFIX + key,
            before: { value: before },
            after: { value },
          });
          return { key, label: def.label, value };
        })
        .finally(() => {
          cache = null;
        });
    },
  };
}
export type RegionSettings = ReturnType<typeof makeRegionSettings>;
