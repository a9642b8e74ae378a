import type { ClockTimer, DueCalculator } from './desk.types';
import type { SlaService } from './sla/calendar.service';
import { computeDue, elapsedCounted } from './sla/due';
import type { SlaPolicy } from './sla/sla-policy';

// Minutes × share, kept to whole seconds so due instants stay on whole seconds.
const part = (m: number, pct: number) => Math.round(m * pct * 0.6) / 60;

/** The same policy with every target shortened to `pct` % (the warning instant is "due" under it). */
export function scaledPolicy(p: SlaPolicy, pct: number): SlaPolicy {
  const r = p.resolutionMinutes;
  return {
    ...p,
    responseInHoursMinutes: part(p.responseInHoursMinutes, pct),
    responseOffHoursMinutes: part(p.responseOffHoursMinutes, pct),
    onsiteMinutes: part(p.onsiteMinutes, pct),
    resolutionMinutes: { urgent: part(r.urgent, pct), high: part(r.high, pct), normal: part(r.normal, pct), low: part(r.low, pct) },
  };
}

/** Clock timing from the SLA engine: due and warning instants in counted time (docs/sla.md). */
export function slaTimer(sla: SlaService): ClockTimer {
  return async ({ startedAt, kind, priority, pauses, em }) => {
    const policy = sla.policy();
    const cal = await sla.loadCalendar(em);
    const input = { receivedAt: startedAt, kind, priority, pauses };
    const due = computeDue(input, policy, cal);
    const warn = computeDue(input, scaledPolicy(policy, policy.warnAtPercent), cal);
    let pausedMs = 0;
    if (pauses.length > 0) {
      const end = new Date(Math.max(...pauses.map((p) => p.to.getTime())));
      pausedMs = elapsedCounted(startedAt, end, policy, cal) - elapsedCounted(startedAt, end, policy, cal, pauses);
    }
    return { dueAt: due.dueAt, warnAt: warn.dueAt, rule: due.rule, pausedMs };
  };
}

/** Clock timing from a plain due calculator (tests): pauses shift the due time by their wall-clock length. */
export function timerFromDue(due: DueCalculator, warnAtPercent = 80): ClockTimer {
  return async ({ startedAt, kind, priority, pauses }) => {
    const d = await due(startedAt, kind, { priority });
    const pausedMs = pauses.reduce((s, p) => s + Math.max(0, p.to.getTime() - p.from.getTime()), 0);
    const span = d.dueAt.getTime() - startedAt.getTime();
    return {
      dueAt: new Date(d.dueAt.getTime() + pausedMs),
      warnAt: new Date(startedAt.getTime() + pausedMs + Math.round((span * warnAtPercent) / 100)),
      rule: d.rule,
      pausedMs,
    };
  };
}
