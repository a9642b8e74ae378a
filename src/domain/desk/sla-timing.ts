import type { ClockTimer, ClockTiming, ClockTimingQuery } from './desk.types';
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

/**
 * A clock's due and warning instants in counted time (docs/sla.md), and the counted time its
 * closed pauses removed.
 */
export function clockTiming(policy: SlaPolicy, { startedAt, kind, priority, pauses, calendar: cal }: ClockTimingQuery): ClockTiming {
  const input = { receivedAt: startedAt, kind, priority, pauses };
  const due = computeDue(input, policy, cal);
  const warn = computeDue(input, scaledPolicy(policy, policy.warnAtPercent), cal);
  let pausedMs = 0;
  if (pauses.length > 0) {
    const end = new Date(Math.max(...pauses.map((p) => p.to.getTime())));
    pausedMs = elapsedCounted(startedAt, end, policy, cal) - elapsedCounted(startedAt, end, policy, cal, pauses);
  }
  return { dueAt: due.dueAt, warnAt: warn.dueAt, rule: due.rule, pausedMs };
}

/** Clock timing under the SLA engine's current policy. */
export function slaTimer(policy: () => SlaPolicy): ClockTimer {
  return (q) => clockTiming(policy(), q);
}
