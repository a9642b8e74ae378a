import { parseQuantity } from './chat-ops-parse';

// A question about how or whether to do it is an FAQ, not a request to act.
const ASKS =
  /怎么|如何|怎样|咋|哪里|在哪|能不能|可不可以|可以吗|能否|吗[?？]?$|呢[?？]?$|多少|几份|几张|流程|步骤|为什么|为啥|什么时候|进度|状态|情况|到哪/u;
const DOC_NO = /(?<![\w-])(SL|HX)-\d{4}-\d{2,8}(?![\w-])/iu;
const RUN = /\d{3,10}\s*(?:-|~|至|到|—|－)\s*\d{3,10}/u;

/**
 * Requests to act that the unit may make by chat (bot.md chat-ops): they go to a confirmation
 * card, never straight to the ledger, so they win over the must-not rules ("帮我撤回…" is the
 * member's own withdrawal, confirmed by them on the card).
 */
export function chatOpsRule(normalized: string): string | undefined {
  const text = normalized.replace(/\s+/gu, ' ');
  if (/撤回|撤销|撤掉|收回/u.test(text) && /申领|SL-/iu.test(text) && (DOC_NO.test(text) || !ASKS.test(text))) {
    return /怎么|如何|怎样|能不能|可以吗|能否/u.test(text) ? undefined : 'application.withdraw';
  }
  if (/核销/u.test(text) && RUN.test(text) && !/怎么|如何|怎样/u.test(text)) return 'writeoff.submit';
  if (
    /申领|领用|领购|申请|领取|要领|想领|领\s*\d|领[一二两三四五六七八九十]|再领|补领|要\s*\d|订/u.test(text) &&
    parseQuantity(text) !== null &&
    !ASKS.test(text) &&
    !/上次|上一次|之前|已经领|领了|批了|发了|还剩|库存|结存|最多|上限|限量|剩/u.test(text)
  ) {
    return 'application.submit';
  }
  return undefined;
}
