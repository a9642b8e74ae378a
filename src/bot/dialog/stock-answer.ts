import type { StockView } from '../../domain/ledger/ledger.schemas';
import { runText, shanghaiTime } from './format';
import type { Scope } from './scope';
import type { DialogDeps, Turn } from './types';
import { isUnitScoped } from '../../domain/policy';

/** Ranges listed per bill type before the rest is summarised (the reply must fit one message). */
const MAX_RUNS = 8;

function describe(view: StockView, holderName: string, billTypeName: string | undefined, at: Date): string {
  const lines: string[] = [];
  const subject = billTypeName ? `「${billTypeName}」` : '';
  if (view.items.length === 0) {
    lines.push(`${holderName}目前没有${subject || '任何票据的'}库存（截至 ${shanghaiTime(at)}）。`);
    return lines.join('\n');
  }
  lines.push(`${holderName}${subject}库存（截至 ${shanghaiTime(at)}）：`);
  for (const item of view.items) {
    lines.push(`· ${item.billTypeName}（${item.billTypeCode}）：结存 ${item.count} 份，${item.ranges.length} 个号段`);
    for (const r of item.ranges.slice(0, MAX_RUNS)) {
      lines.push(`  票据代码 ${r.batchCode}：${runText(r.startNo, r.endNo)}（${r.count} 份）`);
    }
    const rest = item.ranges.slice(MAX_RUNS);
    if (rest.length > 0)
      lines.push(`  ……另有 ${rest.length} 个号段共 ${rest.reduce((s, r) => s + r.count, 0)} 份，完整号段请在系统「库存查询」中查看`);
  }
  if (view.items.length > 1) lines.push(`合计 ${view.total} 份。`);
  return lines.join('\n');
}

/** stock.query: counts and number ranges of the asker's unit (or, for bureau users, the warehouse). */
export async function answerStock(deps: DialogDeps, turn: Turn, scope: Scope): Promise<string> {
  const billType = turn.entities.billType;
  const billTypeCode = billType?.code;
  // 电子票/电子的: the electronic bill types only.
  const electronic = !billType && turn.entities.electronic ? await electronicCodes(deps) : null;
  const only = (view: StockView): StockView => {
    if (!electronic) return view;
    const items = view.items.filter((i) => electronic.has(i.billTypeCode));
    return { ...view, items, total: items.reduce((n, i) => n + i.count, 0) };
  };
  const subject = billType?.name ?? (electronic ? '电子票据' : undefined);
  if (scope.kind === 'unit') {
    const view = only(await deps.services.stock.stock(turn.actor, { unitCode: scope.unit.code, billTypeCode }));
    const mine = isUnitScoped(turn.actor);
    const text = describe(view, mine ? `本单位（${scope.unit.name}）` : scope.unit.name, subject, turn.receivedAt);
    const hint =
      view.total === 0
        ? '如需领用，请在{{system.name}}「票据申领」中提交申领，{{bureau.billOffice}}审核通过后发放。'
        : '说明：已开具但尚未核销上报的号码仍计入结存；用完前请及时核销并申领新票（核旧领新）。';
    return `${text}\n${hint}`;
  }
  const view = only(await deps.services.stock.stock(turn.actor, { holder: 'bureau', billTypeCode }));
  return `${describe(view, '财政库房', subject, turn.receivedAt)}\n如需查询某个单位，请在问题中写明单位全称，例如“市一医院还剩多少票”。`;
}

/** Codes of the electronic bill types of the catalog. */
async function electronicCodes(deps: DialogDeps): Promise<Set<string>> {
  return new Set((await deps.services.directory.billTypes()).filter((b) => b.electronic).map((b) => b.code));
}
