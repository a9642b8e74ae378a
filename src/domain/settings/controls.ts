import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import { systemActor } from '../identity/actor';

/** Where the last seen SEPARATION_OF_DUTIES is kept, so a change between starts is noticed. */
export const SEPARATION_OF_DUTIES_KEY = 'controls.separationOfDuties';

/**
 * Records SEPARATION_OF_DUTIES at start-up: a change since the last start (or a first start with the
 * rule off) is written to the audit trail, because switching internal controls off is itself an act
 * an auditor asks about. Returns true when something was recorded.
 */
export async function recordSeparationOfDuties(store: DomainStore, clock: Clock, on: boolean): Promise<boolean> {
  return store.transaction(async (tx) => {
    const last = await tx.settings.get(SEPARATION_OF_DUTIES_KEY);
    const now = on ? 'on' : 'off';
    if (last === now) return false;
    await tx.settings.set(SEPARATION_OF_DUTIES_KEY, now);
    if (last === null && on) return false;
    await tx.audit.record(systemActor, clock.now(), {
      action: 'settings.separation-of-duties',
      entityType: 'setting',
      entityId: SEPARATION_OF_DUTIES_KEY,
      before: { separationOfDuties: last ?? 'on' },
      after: { separationOfDuties: now },
    });
    return true;
  });
}
