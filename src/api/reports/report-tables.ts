import type { ReportsService } from '../../domain/reports/reports.service';
import { billNo, col, tableOf, type Table } from './table';

type R<K extends keyof ReportsService> = Awaited<ReturnType<ReportsService[K]>>;

const periodText = (r: { from: string; to: string }) => `统计期间：${r.from} 至 ${r.to}`;
const withNos = <T extends { startNo: number; endNo: number }>(rows: readonly T[]) =>
  rows.map((r) => ({ ...r, startNoText: billNo(r.startNo), endNoText: billNo(r.endNo) }));
const unitCols = [col('unitCode', '单位编码', 'text', 14), col('unitName', '单位名称', 'text', 28)];
const billTypeCols = [col('billTypeCode', '票据种类编码', 'text', 14), col('billTypeName', '票据名称', 'text', 24)];
const rangeCols = [
  col('batchCode', '票据代码', 'text', 12),
  col('startNoText', '起始号码', 'text', 13),
  col('endNoText', '终止号码', 'text', 13),
];

/** 领用存报表; without a unit, one row per unit × bill type with a bureau-wide 合计. */
export function stockMovementTables(r: R<'stockMovement'>): Table[] {
  const columns = [
    ...(r.unitCode === null ? unitCols : []),
    ...billTypeCols,
    col('opening', '期初结存', 'int'),
    col('received', '本期领入', 'int'),
    col('used', '本期使用', 'int'),
    col('voided', '本期作废', 'int'),
    col('lost', '本期灭失', 'int'),
    col('returned', '本期退回', 'int'),
    col('closing', '期末结存', 'int'),
  ];
  const who = r.unitCode === null ? '全市各单位' : `${r.unitName}（${r.unitCode}）`;
  return [tableOf('领用存报表', `${who}  ${periodText(r)}`, columns, r.rows, { totals: true })];
}

/** 财政库存结存 by bill type and batch. */
export function warehouseBalanceTables(r: R<'warehouseBalance'>): Table[] {
  const columns = [
    ...billTypeCols,
    col('batchCode', '票据代码', 'text', 12),
    col('opening', '期初结存', 'int'),
    col('received', '本期入库', 'int'),
    col('returnedIn', '单位退回', 'int'),
    col('issued', '本期发放', 'int'),
    col('voided', '库存作废', 'int'),
    col('closing', '期末结存', 'int'),
  ];
  return [tableOf('财政库存结存表', periodText(r), columns, r.rows, { totals: true })];
}

/** 入库明细. */
export function receiptsTables(r: R<'receipts'>): Table[] {
  const columns = [
    col('receivedAt', '入库时间', 'text', 18),
    ...billTypeCols,
    ...rangeCols,
    col('count', '数量（份）', 'int'),
    col('note', '备注', 'text', 24),
  ];
  return [tableOf('入库明细表', periodText(r), columns, withNos(r.rows), { totals: true })];
}

/** 发放明细. */
export function issuanceTables(r: R<'issuance'>): Table[] {
  const columns = [
    col('issuedAt', '发放时间', 'text', 18),
    col('issuanceNo', '发放单号', 'text', 18),
    col('applicationNo', '申领单号', 'text', 18),
    ...unitCols,
    ...billTypeCols,
    ...rangeCols,
    col('count', '数量（份）', 'int'),
  ];
  return [tableOf('票据发放明细表', periodText(r), columns, withNos(r.rows), { totals: true })];
}

/** 核销情况, per document or per unit. */
export function writeoffTables(r: R<'writeoffs'>): Table[] {
  const counts = [
    col('used', '已开（份）', 'int'),
    col('voided', '作废（份）', 'int'),
    col('lost', '灭失（份）', 'int'),
    col('total', '合计份数', 'int'),
  ];
  if (r.groupBy === 'unit') {
    const columns = [
      ...unitCols,
      col('documents', '核销单数', 'int'),
      col('approved', '已通过', 'int'),
      col('pending', '待审核', 'int'),
      col('returned', '已退回', 'int'),
      col('amount', '开票金额（元）', 'money', 16),
      ...counts,
    ];
    return [tableOf('票据核销情况汇总表（按单位）', periodText(r), columns, r.rows, { totals: true })];
  }
  const columns = [
    col('docNo', '核销单号', 'text', 18),
    ...unitCols,
    ...billTypeCols,
    col('cutoffDate', '截止日期', 'date'),
    col('statusName', '状态', 'text', 14),
    col('result', '核销结果', 'text', 10),
    col('amount', '开票金额（元）', 'money', 16),
    ...counts,
    col('submittedAt', '上报时间', 'text', 18),
    col('reviewedAt', '审核时间', 'text', 18),
    col('opinion', '审核意见', 'text', 30),
  ];
  return [tableOf('票据核销情况表', periodText(r), columns, r.rows, { totals: true })];
}

/** 销毁登记. */
export function destructionTables(r: R<'destructions'>): Table[] {
  const columns = [
    col('docNo', '销毁单号', 'text', 18),
    col('statusName', '状态', 'text', 14),
    col('holderCode', '单位编码', 'text', 14),
    col('holderName', '单位名称', 'text', 28),
    ...billTypeCols,
    ...rangeCols,
    col('count', '数量（份）', 'int'),
    col('reason', '销毁原因', 'text', 30),
    col('createdAt', '登记时间', 'text', 18),
    col('reviewedAt', '审核时间', 'text', 18),
    col('completedAt', '销毁完成时间', 'text', 18),
  ];
  return [tableOf('票据销毁登记表', periodText(r), columns, withNos(r.rows), { totals: true })];
}

/** Warnings: one sheet for low stock, one for overdue write-offs. */
export function warningsTables(r: R<'warnings'>): Table[] {
  const asOf = `截至：${r.asOf.slice(0, 10)}`;
  const low = [
    ...unitCols,
    ...billTypeCols,
    col('stock', '当前结存', 'int'),
    col('avgMonthlyUse', '月均用量', 'int'),
    col('threshold', '预警线', 'int'),
  ];
  const overdue = [
    ...unitCols,
    ...billTypeCols,
    col('heldOldCount', `领用超过${r.overdueMonths}个月未核销（份）`, 'int', 26),
    col('oldestIssuedAt', '最早领用时间', 'text', 18),
    col('lastApprovedCutoff', '最近核销截止日期', 'date', 16),
    col('pendingWriteoffs', '待审/退回核销单', 'int', 16),
  ];
  return [tableOf('库存不足预警', asOf, low, r.lowStock), tableOf('逾期未核销预警', asOf, overdue, r.overdueWriteoffs)];
}
