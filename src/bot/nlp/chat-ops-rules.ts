import { parseQuantity } from './chat-ops-parse';

// A question about how or whether to do it is an FAQ, not a request to act.
const ASKS =
  /怎么|如何|怎样|咋|哪里|在哪|能不能|可不可以|可以吗|能否|吗[?？]?$|呢[?？]?$|多少|几份|几张|流程|步骤|为什么|为啥|什么时候|进度|状态|情况|到哪/u;
// Normalised text has no punctuation: SL-2026-000123 reads "sl 2026 000123", 0000001-0000300 "0000001 0000300".
const DOC_NO = /(?<![a-z\d])sl[\s-]*\d{4}[\s-]*\d{2,8}(?!\d)/iu;
const RUN = /\d{1,10}(?:\s+|\s*(?:-|~|至|到|—|－)\s*)\d{3,10}|(?:已用|作废|已开|灭失)\s*\d{3,10}/u;

/**
 * Requests to act that the unit may make by chat (bot.md chat-ops): they go to a confirmation
 * card, never straight to the ledger, so they win over the must-not rules ("帮我撤回…" is the
 * member's own withdrawal, confirmed by them on the card).
 */
export function chatOpsRule(normalized: string): string | undefined {
  const text = normalized.replace(/\s+/gu, ' ');
  if (/撤回|撤销|撤掉|收回|撤了/u.test(text) && (/申领/u.test(text) || DOC_NO.test(text)) && (DOC_NO.test(text) || !ASKS.test(text))) {
    return /怎么|如何|怎样|能不能|可以吗|能否/u.test(text) ? undefined : 'application.withdraw';
  }
  const withoutDocNo = text.replace(/(?<![a-z\d])[a-z]{1,4}\s*\d{4}\s+\d{2,8}(?!\d)/giu, ' ');
  if (/核销/u.test(text) && RUN.test(withoutDocNo) && !ASKS.test(text)) return 'writeoff.submit';
  if (
    /领|申请|要\s*\d/u.test(text) &&
    parseQuantity(text) !== null &&
    !ASKS.test(text) &&
    // Changing a filed document is the workbench's (must-not rules answer it), as are questions about past ones.
    !/上次|上一次|之前|已经领|领了|批了|发了|还剩|库存|结存|最多|上限|限量|剩|改成|改为|修改|调整|改一下|改下|退回|作废|核销/u.test(text)
  ) {
    return 'application.submit';
  }
  return undefined;
}
