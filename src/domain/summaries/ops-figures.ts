import type { DataSource } from 'typeorm';
import { Brackets } from 'typeorm';
import { Unit } from '../catalog/unit.entity';
import { toDbInstant } from '../db/columns';
import { JournalEntry } from '../ledger/journal-entry.entity';
import { Incident } from '../monitoring/incident.entity';
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
export async function faultFigures(ds: DataSource, p: SummaryPeriod, now: Date): Promise<FaultFigures> {
  const b = toDbInstant(p.endAt);
  // One row per alert key holds only its current (or last) episode; a firing key may keep an old resolvedAt.
  const rows = (
    await ds.getRepository(Incident).createQueryBuilder('i').where('i.firstFiringAt IS NOT NULL AND i.firstFiringAt < :b', { b }).getMany()
  )
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
export async function unitFigures(ds: DataSource, p: SummaryPeriod) {
  const base = () =>
    ds
      .getRepository(Unit)
      .createQueryBuilder('u')
      .where('u.active = :t AND u.createdAt < :b', { t: true, b: toDbInstant(p.endAt) });
  const reached = new Brackets((w) => w.where('u.onboardedOn IS NULL').orWhere('u.onboardedOn <= :d', { d: p.end }));
  const [total, online, trial] = await Promise.all([
    base().getCount(),
    base().andWhere("u.onboardingStatus = 'online'").andWhere(reached).getCount(),
    base().andWhere("u.onboardingStatus = 'trial'").andWhere(reached).getCount(),
  ]);
  return { total, online, trial };
}

/** Bills issued to units and written off (approved) in the period: numbers (份) and documents. */
export async function billFigures(ds: DataSource, p: SummaryPeriod) {
  const rows: Array<{ op: string; n: string | number | null; docs: string | number }> = await ds
    .getRepository(JournalEntry)
    .createQueryBuilder('j')
    .select('j.operation', 'op')
    .addSelect('SUM(j.count)', 'n')
    .addSelect('COUNT(DISTINCT j.docId)', 'docs')
    .where('j.at >= :a AND j.at < :b', { a: toDbInstant(p.startAt), b: toDbInstant(p.endAt) })
    .andWhere('j.operation IN (:...ops)', { ops: ['issue', 'writeoff.approve'] })
    .groupBy('j.operation')
    .getRawMany();
  const of = (op: string) => rows.find((r) => r.op === op);
  return {
    issued: Number(of('issue')?.n ?? 0),
    issuances: Number(of('issue')?.docs ?? 0),
    writtenOff: Number(of('writeoff.approve')?.n ?? 0),
    writeoffs: Number(of('writeoff.approve')?.docs ?? 0),
  };
}
