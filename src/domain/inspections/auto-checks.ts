import type { DatabaseSize } from '../db/database-size';
import type { LedgerRepository } from '../ledger/ledger.repository';
import type { LowStockRow, OverdueWriteoffRow } from '../reports/warnings.report';

/** One automatic check's outcome; a `fail` carries the finding that opens a ticket. */
export interface CheckOutcome {
  item: string;
  label: string;
  status: 'ok' | 'warn' | 'fail';
  note: string;
  finding?: { title: string; detail: string; severity: 'urgent' | 'high' | 'normal' };
}

/** Per queue: failed jobs kept, and how many of them failed since `since` (the job layer reads Bull). */
export type FailedJobsPort = (since: Date) => Promise<Array<{ queue: string; failed: number; recent: number; lastReason: string | null }>>;

/** The file-system facts the checks need; the job layer reads them (src/jobs/adapters). */
export interface InspectionFiles {
  /** Size in bytes; 0 when the file does not exist. */
  sizeOf(path: string): Promise<number>;
  /** The newest regular file's mtime in `dir` (0 when none); rejects when `dir` cannot be read. */
  newestMtimeMs(dir: string): Promise<number>;
}

const MB = 1024 * 1024;
const list = (items: string[], max = 5) => items.slice(0, max).join('；') + (items.length > max ? ` 等 ${items.length} 项` : '');

/** Ledger invariants (domain.md 1–3) by set-based SQL. */
export async function checkLedger(ledger: Pick<LedgerRepository, 'checkInvariants'>): Promise<CheckOutcome> {
  const { violations } = await ledger.checkInvariants();
  const base = { item: 'ledger.invariants', label: '台账不变量' };
  if (violations.length === 0) return { ...base, status: 'ok', note: '号段不重叠、数量守恒、流水平衡、状态合法' };
  const detail = list(
    violations.map((v) => `${v.invariant} 批次 ${v.batchCode}：${v.detail}`),
    10,
  );
  return {
    ...base,
    status: 'fail',
    note: `${violations.length} 处违反`,
    finding: { title: '台账不变量被破坏', detail, severity: 'urgent' },
  };
}

/** Overdue write-offs (核旧领新) and low stock per unit: business warnings, not faults. */
export function checkWarnings(overdue: OverdueWriteoffRow[], low: LowStockRow[]): CheckOutcome[] {
  const o = overdue.map((r) => `${r.unitName}（${r.billTypeName}）${r.heldOldCount} 份`);
  const l = low.map((r) => `${r.unitName}（${r.billTypeName}）余 ${r.stock} 份，阈值 ${r.threshold}`);
  return [
    {
      item: 'writeoff.overdue',
      label: '逾期未核销',
      status: o.length ? 'warn' : 'ok',
      note: o.length ? `${o.length} 个单位/票种：${list(o)}` : '无',
    },
    {
      item: 'stock.low',
      label: '单位低库存',
      status: l.length ? 'warn' : 'ok',
      note: l.length ? `${l.length} 个单位/票种：${list(l)}` : '无',
    },
  ];
}

/** The SLA holiday calendar: this year must be loaded; next year's from `warnFromMonth` (fail in December). */
export function checkCalendar(yearsLoaded: number[], shanghaiYear: number, shanghaiMonth: number, warnFromMonth: number): CheckOutcome {
  const base = { item: 'calendar.holidays', label: '节假日日历' };
  const loaded = `已载入 ${yearsLoaded.join('、') || '无'} 年`;
  if (!yearsLoaded.includes(shanghaiYear)) {
    return {
      ...base,
      status: 'fail',
      note: `${loaded}，缺少今年`,
      finding: {
        title: `节假日日历缺少 ${shanghaiYear} 年`,
        detail: `${loaded}；SLA 时限按无节假日计算，请导入国务院办公厅公布的放假安排`,
        severity: 'high',
      },
    };
  }
  if (shanghaiMonth >= warnFromMonth && !yearsLoaded.includes(shanghaiYear + 1)) {
    const note = `${loaded}，尚未载入 ${shanghaiYear + 1} 年`;
    if (shanghaiMonth < 12) return { ...base, status: 'warn', note };
    return {
      ...base,
      status: 'fail',
      note,
      finding: { title: `节假日日历缺少 ${shanghaiYear + 1} 年`, detail: `${note}；元旦前须导入，否则 SLA 时限会算错`, severity: 'high' },
    };
  }
  return { ...base, status: 'ok', note: loaded };
}

/** Database size: the SQLite file (with its WAL) or pg_database_size. */
export async function checkDbSize(size: DatabaseSize, maxMb: number): Promise<CheckOutcome> {
  const base = { item: 'db.size', label: '数据库大小' };
  const bytes = await size();
  if (bytes === null) return { ...base, status: 'ok', note: '内存数据库（测试/演示）' };
  const mb = Math.round((bytes / MB) * 10) / 10;
  if (mb > maxMb) return { ...base, status: 'warn', note: `${mb} MB，超过 ${maxMb} MB，请规划归档或扩容` };
  return { ...base, status: 'ok', note: `${mb} MB` };
}

/** Backup age: the newest file's mtime in `dir`; no directory configured is itself a warning. */
export async function checkBackup(files: InspectionFiles, dir: string | undefined, maxAgeH: number, now: Date): Promise<CheckOutcome> {
  const base = { item: 'backup.age', label: '数据备份' };
  if (!dir) return { ...base, status: 'warn', note: '未配置备份目录（BACKUP_DIR），无法确认是否有备份' };
  const fail = (note: string): CheckOutcome => ({
    ...base,
    status: 'fail',
    note,
    finding: { title: '数据备份缺失或过期', detail: `${note}（目录 ${dir}）`, severity: 'high' },
  });
  let newest: number;
  try {
    newest = await files.newestMtimeMs(dir);
  } catch (err) {
    return fail(`无法读取备份目录：${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (newest === 0) return fail('备份目录中没有备份文件');
  const ageH = (now.getTime() - newest) / 3_600_000;
  const age = ageH < 48 ? `${Math.round(ageH * 10) / 10} 小时` : `${Math.floor(ageH / 24)} 天`;
  if (ageH > maxAgeH) return fail(`最新备份已是 ${age}前，超过 ${maxAgeH} 小时`);
  return { ...base, status: 'ok', note: `最新备份 ${age}前` };
}

/** Failed jobs in the queues: kept ones warn, ones that failed since the last day open a ticket. */
export async function checkQueues(port: FailedJobsPort | undefined, since: Date): Promise<CheckOutcome> {
  const base = { item: 'queues.failed', label: '任务队列失败任务' };
  if (!port) return { ...base, status: 'warn', note: '本进程未连接任务队列，未检查' };
  let rows: Awaited<ReturnType<FailedJobsPort>>;
  try {
    rows = await port(since);
  } catch (err) {
    return { ...base, status: 'warn', note: `无法读取任务队列（Redis 不可用？）：${(err as Error).message.slice(0, 120)}` };
  }
  const recent = rows.filter((r) => r.recent > 0);
  const kept = rows.filter((r) => r.failed > 0);
  if (recent.length > 0) {
    const detail = list(recent.map((r) => `${r.queue} ${r.recent} 个${r.lastReason ? `（${r.lastReason.slice(0, 80)}）` : ''}`));
    return {
      ...base,
      status: 'fail',
      note: `近一天失败：${detail}`,
      finding: { title: '任务队列有失败任务', detail: `${detail}；请在 /admin/queues 查看并重试`, severity: 'normal' },
    };
  }
  if (kept.length > 0) return { ...base, status: 'warn', note: `保留的失败任务：${list(kept.map((r) => `${r.queue} ${r.failed} 个`))}` };
  return { ...base, status: 'ok', note: '无失败任务' };
}

/**
 * 不相容岗位分离 (SEPARATION_OF_DUTIES): `recorded` is the value the last start wrote to the settings
 * ('on' | 'off'; null before any start recorded it, when the default, on, applies). Off is allowed
 * for a one-person office, but an auditor must see it every day: a warning, not a finding.
 */
export function checkSeparation(recorded: string | null): CheckOutcome {
  const base = { item: 'controls.separation', label: '不相容岗位分离' };
  if (recorded === 'off') {
    return {
      ...base,
      status: 'warn',
      note: '已关闭（SEPARATION_OF_DUTIES=off）：同一人可录入并审核单据、独自完成销毁的两次确认；仅限一人办公时使用',
    };
  }
  return { ...base, status: 'ok', note: '已开启：录入与审核、销毁的两次确认由不同人员完成' };
}

/** Region values answers name (bureau phone, address, URLs …) that nobody has set: users are sent to the contact instead. */
export function checkRegion(unset: Array<{ key: string; label: string }>): CheckOutcome {
  const base = { item: 'region.unset', label: '地区设置' };
  if (unset.length === 0) return { ...base, status: 'ok', note: '答案引用的本地取值均已设置' };
  return {
    ...base,
    status: 'warn',
    note: `${unset.length} 项未设置（答案改为提示联系票据管理科或转人工）：${list(
      unset.map((u) => `${u.label}（${u.key}）`),
      30,
    )}`,
  };
}
