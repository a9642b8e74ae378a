import type { NumberState } from '../../domain/documents/unit-facts';
import { MAX_BILL_NO } from '../../domain/documents/unit-facts';
import { billNo, runText, shanghaiDay, shanghaiTime } from './format';
import type { UnitRef } from './types';
import type { DialogDeps, Turn } from './types';

/** Runs listed before the rest is summarised (one WeCom message). */
const MAX_RUNS = 8;

const typeOf = (turn: Turn) => turn.entities.billType;
const typeWords = (turn: Turn) => (typeOf(turn) ? `「${typeOf(turn)!.name}」` : '');

/** issuance.last: date, bill type and runs of the unit's latest issuance (of the named type). */
export async function answerLastIssuance(deps: DialogDeps, turn: Turn, unit: UnitRef): Promise<string> {
  const { issuance } = await deps.services.unitFacts.lastIssuance(turn.actor, unit.code, typeOf(turn)?.code);
  if (!issuance)
    return `${unit.name}目前还没有${typeWords(turn)}领票（发放）记录。\n如需领用，请在{{system.name}}「票据申领」中提交申领，审核通过后由{{bureau.billOffice}}发放；申领流程可以直接问我。`;
  const lines = [
    `${unit.name}最近一次领票（发放）：${shanghaiTime(issuance.issuedAt)}`,
    `· ${issuance.billTypeName}（${issuance.billTypeCode}）${issuance.total} 份，发放单 ${issuance.docNo}${issuance.applicationDocNo ? `（申领单 ${issuance.applicationDocNo}）` : ''}`,
  ];
  for (const r of issuance.ranges.slice(0, MAX_RUNS))
    lines.push(`  票据代码 ${r.batchCode}：${runText(r.startNo, r.endNo)}（${r.count} 份）`);
  const rest = issuance.ranges.slice(MAX_RUNS);
  if (rest.length > 0) lines.push(`  ……另有 ${rest.length} 个号段，完整号段请在系统「发放明细」中查看`);
  lines.push('说明：以上为发放时的号段；现在还剩多少可以问“我们还剩多少票”。');
  return lines.join('\n');
}

const STATE_TEXT: Record<NumberState, string> = {
  IN_STOCK: '在本单位库存中（空白未用）',
  USED: '已开具，已随核销单上报，等待审核',
  VOIDED: '已作废，已随核销单上报，等待审核',
  LOST: '已登记灭失，已随核销单上报，等待审核',
  WRITTEN_OFF: '已核销（审核通过）',
  STOCK_VOIDED: '已作废（库存作废）',
  DESTROYED: '已销毁',
  RETURNED: '已退回财政局（申退）',
};

/** Digits typed as a bill number: after 号码/票号/号 if any, else the longest run of 4–11 digits not part of a document number or date. */
export function billNumberIn(text: string): string | null {
  const clean = text.replace(/[A-Za-z]{2}-\d{4}-\d+/g, ' ').replace(/\d{4}\s*年/g, ' ');
  const named = /(?:号码|票号|号)\s*(?:为|是|:|：)?\s*(\d{1,12})(?!\d)/.exec(clean);
  if (named) return named[1];
  const runs = (clean.match(/(?<!\d)\d{4,12}(?!\d)/g) ?? []).sort((a, b) => b.length - a.length);
  return runs[0] ?? null;
}

/** number.lookup: whether the number is the unit's, and in which state; another holder is never named. */
export async function answerNumber(deps: DialogDeps, turn: Turn, unit: UnitRef): Promise<string> {
  const typed = billNumberIn(turn.text);
  if (typed === null) return '请告诉我要查的票号，例如“号码0000077400是我们单位的吗”，也可以写上票种，例如“医疗票0000077400”。';
  const no = Number(typed);
  if (typed.length > 10 || no < 1 || no > MAX_BILL_NO)
    return `「${typed}」不是有效的票号：票号是印在票据上的 1 至 10 位数字（例如 0000077400），请确认后再问我。`;
  const v = await deps.services.unitFacts.number(turn.actor, unit.code, no, typeOf(turn)?.code);
  if (v.matches.length > 0) {
    const lines = [`号码 ${billNo(no)} 是${unit.name}的${typeWords(turn)}票据：`];
    for (const m of v.matches) lines.push(`· ${m.billTypeName}（票据代码 ${m.batchCode}）：${STATE_TEXT[m.state]}`);
    if (v.matches.some((m) => m.state === 'IN_STOCK')) lines.push('空白票请妥善保管，使用后按期核销。');
    return lines.join('\n');
  }
  if (v.elsewhere)
    return `号码 ${billNo(no)}${typeWords(turn)} 不是${unit.name}的票据。为保护各单位数据，不能告知其归属；如对这张票有疑问，请联系{{bureau.billOffice}}，电话 {{bureau.phone}}。`;
  return `系统中没有号码 ${billNo(no)} 的${typeWords(turn)}票据。请确认票号（10 位数字）和票种；纸质票据上的号码印在右上角。`;
}

/** writeoff.overdue: yes or no first, then the bill types with old numbers no approved write-off covers. */
export async function answerOverdue(deps: DialogDeps, turn: Turn, unit: UnitRef): Promise<string> {
  const w = await deps.services.reports.warnings(turn.actor, { unitCode: unit.code, billTypeCode: typeOf(turn)?.code });
  const rule = `发放超过 ${w.overdueMonths} 个月仍未核销即为逾期`;
  if (w.overdueWriteoffs.length === 0)
    return `没有。${unit.name}目前没有逾期未核销的${typeWords(turn)}票据（${rule}）。\n已用的票据请按期核销上报，核销流程可以直接问我。`;
  const total = w.overdueWriteoffs.reduce((n, r) => n + r.heldOldCount, 0);
  const lines = [`有。${unit.name}有 ${w.overdueWriteoffs.length} 种票据逾期未核销，共 ${total} 份（${rule}）：`];
  for (const r of w.overdueWriteoffs) {
    const cutoff = r.lastApprovedCutoff ? `最近一次核销截止 ${r.lastApprovedCutoff}` : '尚无审核通过的核销';
    const pending = r.pendingWriteoffs > 0 ? `；有 ${r.pendingWriteoffs} 张核销单待审核或被退回` : '';
    lines.push(
      `· ${r.billTypeName}（${r.billTypeCode}）：${r.heldOldCount} 份，最早 ${shanghaiDay(r.oldestIssuedAt)} 发放；${cutoff}${pending}`,
    );
  }
  lines.push('按核旧领新规定，核销前这些票种不能再申领。请在{{system.name}}「核销上报」中报送，核销流程可以直接问我。');
  return lines.join('\n');
}

/** apply.cap: the unit's own 分次限量 per bill type; without one, says so and gives the general rule. */
export async function answerCaps(deps: DialogDeps, turn: Turn, unit: UnitRef): Promise<string> {
  const { items } = await deps.services.unitFacts.caps(turn.actor, unit.code);
  const general = '一般规则：每次申领不超过 {{apply.capMonths}} 个月的用量，并须先核销已用的票据（核旧领新）。';
  const type = typeOf(turn);
  if (type) {
    const cap = items.find((c) => c.billTypeCode === type.code);
    if (cap) return `${unit.name}「${cap.billTypeName}」每次最多申领 ${cap.maxQuantity} 份（分次限量）。\n${general}`;
    return `${unit.name}「${type.name}」没有设置单次申领上限（分次限量），按实际需要填写数量即可。\n${general}`;
  }
  if (items.length === 0) return `${unit.name}目前没有设置任何票种的单次申领上限（分次限量）。\n${general}`;
  const lines = [`${unit.name}的单次申领上限（分次限量）：`];
  for (const c of items) lines.push(`· ${c.billTypeName}（${c.billTypeCode}）：每次最多 ${c.maxQuantity} 份`);
  lines.push(`其他票种没有设置上限。${general}`);
  return lines.join('\n');
}

/** Bill types checked when none is named (one WeCom message). */
const MAX_CHECKED_TYPES = 4;
const STATUS_WORDS: Record<string, string> = { submitted: '待审核', returned: '被退回待修改' };

/** A quantity typed with its measure word: 「申领2000份」. */
export function quantityIn(text: string): number | null {
  const m = /(\d{1,7})\s*(?:份|张|本)/.exec(text.replace(/[A-Za-z]{2}-\d{4}-\d+/g, ' '));
  return m ? Number(m[1]) : null;
}

/**
 * apply.check: what blocks the unit's next application of a bill type — the application service's
 * own rules (cap, 核旧领新 with the pending write-offs) through the shared application check. Without a
 * named type: the types the unit holds or has a cap for.
 */
export async function answerApplyCheck(deps: DialogDeps, turn: Turn, unit: UnitRef): Promise<string> {
  const quantity = quantityIn(turn.text);
  let types = typeOf(turn) ? [typeOf(turn)!] : [];
  if (types.length === 0) {
    const [stock, caps] = await Promise.all([
      deps.services.stock.stock(turn.actor, { unitCode: unit.code }),
      deps.services.unitFacts.caps(turn.actor, unit.code),
    ]);
    const seen = new Map<string, { code: string; name: string }>();
    for (const i of stock.items) seen.set(i.billTypeCode, { code: i.billTypeCode, name: i.billTypeName });
    for (const c of caps.items) seen.set(c.billTypeCode, { code: c.billTypeCode, name: c.billTypeName });
    types = [...seen.values()].slice(0, MAX_CHECKED_TYPES);
  }
  if (types.length === 0) return '请告诉我要申领的票种和数量，例如“现在能申领医疗票2000份吗”，我来看看有没有规则拦截。';
  const lines = [`${unit.name}现在申领${quantity ? ` ${quantity} 份` : ''}的检查结果：`];
  for (const type of types) {
    const c = await deps.services.applicationChecks.preview(turn.actor, {
      unitCode: unit.code,
      billTypeCode: type.code,
      quantity: quantity ?? 1,
    });
    const cap = c.cap === null ? '未设单次上限' : `每次最多 ${c.cap} 份`;
    if (c.blockers.length === 0) lines.push(`· ${c.billType.name}：可以申领（${cap}）`);
    else {
      lines.push(`· ${c.billType.name}：暂不能申领（${cap}）`);
      for (const b of c.blockers) lines.push(`  - ${b.message}`);
    }
    if (c.pendingWriteoffs.length > 0)
      lines.push(`  待办结的核销单：${c.pendingWriteoffs.map((w) => `${w.docNo}（${STATUS_WORDS[w.status] ?? w.status}）`).join('、')}`);
    if (quantity && c.blockers.length === 0 && !c.warehouse.sufficient)
      lines.push(`  提示：财政库存目前可发放 ${c.warehouse.available} 份，不足 ${quantity} 份，审核通过后需等待入库再发放`);
  }
  lines.push('核旧领新：该票种有待审核或被退回的核销单，或持有发放超过 {{writeoff.overdueMonths}} 个月未核销的票据时，须先完成核销。');
  return lines.join('\n');
}
