import type { FigureReads } from './desk-figures';
import type { SummaryPeriod } from './summary-period';

export interface FaultFigures {
  /** Incidents that started firing in the period. */
  count: number;
  /** Minutes of the period during which at least one incident was firing (overlaps counted once). */
  downtimeMinutes: number;
  /** Incidents still firing at the end of the period. */
  openAtEnd: number;
}

/** Faults (incidents) that started in the period and the downtime they caused within it. */
export async function faultFigures(q: FigureReads, p: SummaryPeriod, now: Date): Promise<FaultFigures> {
  // One row per alert key holds only its current (or last) episode; a firing key may keep an old resolvedAt.
  const rows = (await q.incidentsBegunBefore(p.endAt))
    .map((r) => ({
      from: (r.firstFiringAt as Date).getTime(),
      to: r.state === 'resolved' && r.resolvedAt ? r.resolvedAt.getTime() : null,
    }))
    .filter((r) => r.to === null || r.to > p.startAt.getTime());
  const until = Math.min(p.endAt.getTime(), now.getTime());
  const spans = rows
    .map((r) => [Math.max(r.from, p.startAt.getTime()), Math.min(r.to ?? until, until)])
    .filter(([s, e]) => e > s)
    .sort((x, y) => x[0] - y[0]);
  let ms = 0;
  let cur: number[] | null = null;
  for (const s of spans) {
    if (cur && s[0] <= cur[1]) cur[1] = Math.max(cur[1], s[1]);
    else {
      if (cur) ms += cur[1] - cur[0];
      cur = [...s];
    }
  }
  if (cur) ms += cur[1] - cur[0];
  return {
    count: rows.filter((r) => r.from >= p.startAt.getTime()).length,
    downtimeMinutes: Math.round(ms / 60_000),
    openAtEnd: rows.filter((r) => r.to === null || r.to >= p.endAt.getTime()).length,
  };
}

/** Active units at the end of the period and how many of them were online (上线) by then. */
export function unitFigures(q: FigureReads, p: SummaryPeriod): Promise<{ total: number; online: number; trial: number }> {
  return q.unitCounts(p);
}

/** Bills issued to units and written off (approved) in the period: numbers (份) and documents. */
export async function billFigures(q: FigureReads, p: SummaryPeriod) {
  const rows = await q.journalTotals(p);
  const of = (op: string) => rows.find((r) => r.op === op);
  return {
    issued: Number(of('issue')?.n ?? 0),
    issuances: Number(of('issue')?.docs ?? 0),
    writtenOff: Number(of('writeoff.approve')?.n ?? 0),
    writeoffs: Number(of('writeoff.approve')?.docs ?? 0),
  };
}
