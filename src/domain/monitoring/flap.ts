import type { Incident } from './incident.entity';

/**
 * Flap damping: a key that changes state more than `maxChanges` times within `windowMs` is
 * flapping; its notices are held (the changes are still recorded on the incident and the ticket)
 * until it has not changed for `stableMs`, when one notice tells the state it settled in.
 * 4 changes in 30 minutes is two full down/up cycles: a third cycle within half an hour is noise
 * to the people on call. 15 quiet minutes is longer than any blip the probes damp.
 */
export interface FlapPolicy {
  maxChanges: number;
  windowMs: number;
  stableMs: number;
}
export const DEFAULT_FLAP: FlapPolicy = { maxChanges: 4, windowMs: 30 * 60_000, stableMs: 15 * 60_000 };

/**
 * Records a state change at `now` in the flap window (older changes drop out); the key is flapping
 * once the window holds more than `maxChanges`, and stays so until it settles.
 */
export function flapChange(
  inc: Pick<Incident, 'changes' | 'flapping'>,
  now: Date,
  flap: FlapPolicy,
): Pick<Incident, 'changes' | 'flapping' | 'lastChangeAt'> {
  const since = now.getTime() - flap.windowMs;
  const changes = [...inc.changes.filter((c) => new Date(c).getTime() > since), now.toISOString()];
  return { changes, flapping: inc.flapping || changes.length > flap.maxChanges, lastChangeAt: now };
}

/** A flapping key settles once it has not changed for `stableMs`. */
export const settlesAt = (inc: Pick<Incident, 'flapping' | 'lastChangeAt'>, now: Date, flap: FlapPolicy): boolean =>
  inc.flapping && inc.lastChangeAt.getTime() <= now.getTime() - flap.stableMs;
