import { DateTime } from 'luxon';
import type { Clock } from '../../src/domain/clock';
import type { LineInput } from '../../src/domain/documents/line-documents.schemas';
import { systemActor } from '../../src/domain/identity/actor';
import { subtract, takeLowest, totalCount, type Span } from '../../src/domain/ledger/ranges';
import type { DomainServices } from '../../src/domain/services';
import type { DemoRandom } from './demo-random';
import type { DemoActors } from './demo-reference';

/** A clock the demo can move: history is written with the dates it happened on. */
export type SettableClock = Clock & { set(d: Date | string): void };

/** Walks forward through business days relative to "today"; never goes back in time. */
export interface Timeline {
  /** 09:00 Shanghai of the day `monthsAgo` months (plus `plusDays`) before today. */
  day(monthsAgo: number, plusDays?: number): void;
  /** A few minutes later (the next action of the same morning). */
  tick(minutes?: number): void;
  /** YYYY-MM-DD of the current demo moment, `plusDays` added. */
  date(plusDays?: number): string;
  /** The Shanghai calendar year of the current demo moment. */
  year(): number;
}

/** Makes the timeline over a settable clock; `now` is the real present the history ends at. */
export function makeTimeline(clock: SettableClock, now: Date): Timeline {
  const today = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' }).startOf('day');
  let cursor = today.minus({ years: 10 }).toMillis();
  const set = (t: number) => {
    cursor = Math.max(cursor, t);
    clock.set(new Date(cursor));
  };
  const here = () => DateTime.fromMillis(cursor, { zone: 'Asia/Shanghai' });
  return {
    day: (monthsAgo, plusDays = 0) => set(today.minus({ months: monthsAgo }).plus({ days: plusDays, hours: 9 }).toMillis()),
    tick: (minutes = 7) => set(cursor + minutes * 60_000),
    date: (plusDays = 0) => here().plus({ days: plusDays }).toISODate()!,
    year: () => here().year,
  };
}

/** A run of one batch. */
export interface BatchRun {
  batchCode: string;
  span: Span;
}

/** What a unit holds IN_STOCK of one bill type, as runs (through the stock service). */
export async function heldRuns(services: DomainServices, unitCode: string, billTypeCode: string): Promise<BatchRun[]> {
  const view = await services.stock.stock(systemActor, { unitCode, billTypeCode });
  return (view.items[0]?.ranges ?? []).map((r) => ({ batchCode: r.batchCode, span: { start: r.startNo, end: r.endNo } }));
}

/** The lowest `quantity` numbers over batches in code order (the order units use them in). */
export function lowestRuns(runs: readonly BatchRun[], quantity: number): BatchRun[] {
  const out: BatchRun[] = [];
  let need = quantity;
  for (const batchCode of [...new Set(runs.map((r) => r.batchCode))].sort()) {
    if (need <= 0) break;
    const taken = takeLowest(
      runs.filter((r) => r.batchCode === batchCode).map((r) => r.span),
      need,
    );
    out.push(...taken.map((span) => ({ batchCode, span })));
    need -= totalCount(taken);
  }
  return out;
}

/** The three line lists of a write-off form. */
export interface WriteoffLines {
  used: LineInput[];
  voided: LineInput[];
  lost: LineInput[];
  usedCount: number;
}

const toLine = (r: BatchRun): LineInput => ({ batchCode: r.batchCode, startNo: r.span.start, endNo: r.span.end });

/** Splits runs into 已开 / 作废 (single numbers here and there) / 灭失 (one short run) lines. */
export function composeWriteoff(rnd: DemoRandom, runs: readonly BatchRun[], o: { voided: number; lost: number }): WriteoffLines {
  const voided: BatchRun[] = [];
  const lost: BatchRun[] = [];
  const all = runs.filter((r) => totalCount([r.span]) > 2);
  for (let i = 0; i < o.voided && all.length > 0; i++) {
    const r = rnd.pick(all);
    const n = rnd.int(r.span.start, r.span.end);
    if (!voided.some((v) => v.batchCode === r.batchCode && v.span.start === n))
      voided.push({ batchCode: r.batchCode, span: { start: n, end: n } });
  }
  if (o.lost > 0 && all.length > 0) {
    const r = all[all.length - 1];
    const start = Math.max(r.span.start, r.span.end - o.lost + 1);
    const span = { start, end: r.span.end };
    if (!voided.some((v) => v.batchCode === r.batchCode && v.span.start >= start)) lost.push({ batchCode: r.batchCode, span });
  }
  const used: BatchRun[] = [];
  for (const r of runs) {
    const cut = [...voided, ...lost].filter((x) => x.batchCode === r.batchCode).map((x) => x.span);
    used.push(...subtract([r.span], cut).map((span) => ({ batchCode: r.batchCode, span })));
  }
  return { used: used.map(toLine), voided: voided.map(toLine), lost: lost.map(toLine), usedCount: totalCount(used.map((u) => u.span)) };
}

const AVERAGE_AMOUNT: Record<string, number> = {
  FS01: 236,
  FS02: 1850,
  FS03: 1420,
  FS01E: 185,
  JS01: 5200,
  JZ01: 1600,
  JZ01E: 420,
  YL01: 312,
  YL01E: 168,
  HF01: 800,
  QT01: 150,
};

/** The amount collected on `count` bills of a type (yuan, two decimals). */
export function demoAmount(rnd: DemoRandom, billTypeCode: string, count: number): number {
  const yuan = count * (AVERAGE_AMOUNT[billTypeCode] ?? 200) * (0.85 + rnd.next() * 0.3);
  return Math.round(yuan * 100) / 100;
}

/** Everything a demo step needs. */
export interface DemoContext {
  services: DomainServices;
  tl: Timeline;
  rnd: DemoRandom;
  actors: DemoActors;
}
