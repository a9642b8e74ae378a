import type { KnowledgeBase } from '../nlp/kb-loader';
import { renderAnswer } from '../nlp/kb-loader';

/** Fallbacks for texts the KB may not carry; each uses only region values. */
const DEFAULTS = {
  notRegistered:
    '您好，您的企业微信账号尚未在{{bureau.name}}票据业务助手中登记，暂时无法为您查询业务信息。\n如需开通，请联系{{bureau.billOffice}}，电话 {{bureau.phone}}（{{bureau.hours}}）。',
  welcome: '您好，我是{{bureau.name}}票据业务助手。可以问我本单位库存、申领/核销/销毁进度、工单进展和常见问题；需要人工时回复“转人工”。',
  textOnly: '目前只能处理文字消息，请用文字描述您的问题。需要人工帮助请回复“转人工”。',
  empty: '您好，请用文字描述您的问题，例如“我们还剩多少票”“核销审到哪了”。需要人工帮助请回复“转人工”。',
  emojiOnly: '收到 😊 还有问题随时用文字问我。',
  rephrase: '抱歉，没能看懂您的意思。请用中文描述问题，例如“医疗票还剩多少”“申领单审核到哪了”。需要人工帮助请回复“转人工”。',
  otherUnit:
    '抱歉，为保护各单位的数据，我只能查询您所在单位（{{unit.name}}）的业务信息，不能提供其他单位的数据。如确有需要，请联系{{bureau.billOffice}}，电话 {{bureau.phone}}。',
  cannotAct:
    '抱歉，我不能替您提交、修改、撤回或审批业务数据。请登录{{system.name}}自行办理，审核由{{bureau.billOffice}}负责。如需人工协助，请回复“转人工”。',
  noUnit: '您的账号尚未关联单位，暂时无法查询单位业务数据。请联系{{bureau.billOffice}}，电话 {{bureau.phone}}。',
  fallback: '抱歉，系统暂时忙，请稍后再试。紧急情况请拨打 {{support.phone}}。',
  // What the bot does and how to reach a person, after anything out of its scope (issue 10: no ticket).
  declined:
    '抱歉，这个问题不在我的服务范围内。我可以查询本单位的票据库存、申领/核销/销毁进度和工单进展，解答财政票据业务和{{system.name}}的操作问题。需要人工帮助请回复“转人工”，或致电{{bureau.billOffice}} {{bureau.phone}}。',
  declinedOtherSystem:
    '抱歉，这不是{{system.name}}的问题，我无法处理其他系统（如报销、预算、国库支付、非税收缴、政府采购、税务、社保医保等）的业务，请联系该系统的主管部门或服务热线。财政票据方面的问题可以直接问我；需要人工帮助请回复“转人工”，或致电{{bureau.billOffice}} {{bureau.phone}}。',
  notBills:
    '抱歉，我只能查询财政票据的库存，其他物品（办公用品、药品、物资等）的库存请咨询本单位的管理部门。需要查票据库存可以问“我们还剩多少票”“医疗票还剩多少”。',
  bureauUnclear: '没有理解您的问题。可以问：“库存还剩多少”（财政库存）、“市一医院还剩多少票”（指定单位）、“待审核的申领单”、“工单 #12”。',
} as const;
export type DefaultText = keyof typeof DEFAULTS;
/** Every built-in text (a test renders each with an empty and a full region). */
export const DEFAULT_TEXTS = Object.keys(DEFAULTS) as DefaultText[];

/** Renders a built-in text with the region values (and any extra values such as unit.name). */
export function say(kb: KnowledgeBase, key: DefaultText, extra: Record<string, string | number> = {}): string {
  return renderAnswer(DEFAULTS[key], { ...kb.region, ...extra });
}

/** The KB's first answer for intent, rendered; undefined when the KB has no answer for it. */
export function kbAnswer(kb: KnowledgeBase, intent: string, extra: Record<string, string | number> = {}): string | undefined {
  const found = kb.intents.find((i) => i.intent === intent && i.kind !== 'negative');
  const template = found?.answers[0];
  return template === undefined ? undefined : renderAnswer(template, { ...kb.region, ...extra }).trim();
}

/**
 * The polite decline for out-of-scope text (the classifier's reason picks the wording). One function, so
 * that the contact it names follows the region settings wherever they come from.
 */
export function decline(kb: KnowledgeBase, reason?: string): string {
  if (reason === 'out-of-scope.not-bills') return say(kb, 'notBills');
  if (reason && /^out-of-scope\.(?:tax|invoice|social|budget|other-system)$/u.test(reason)) return say(kb, 'declinedOtherSystem');
  return say(kb, 'declined');
}

/** Renders arbitrary text with region values (domain handlers' hints mention the system name …). */
export function withRegion(kb: KnowledgeBase, text: string): string {
  return renderAnswer(text, kb.region);
}

/** The kind of an intent in the KB ('faq', 'domain', …); undefined when unknown. */
export function kindOf(kb: KnowledgeBase, intent: string): string | undefined {
  return kb.intents.find((i) => i.intent === intent)?.kind;
}
