import type { UnitFacts, UnitRef } from './unit-facts';
import type { Turn } from './types';
import { isUnitScoped } from '../../domain/policy';

/** Whose data a domain question is about. */
export type Scope = { kind: 'unit'; unit: UnitRef } | { kind: 'bureau' } | { kind: 'no-unit' };

/**
 * Unit staff: always their own unit (another unit named in the text is refused before this).
 * Bureau roles: the unit named in the text, else the bureau as a whole.
 */
export async function scopeOf(turn: Turn, facts: UnitFacts): Promise<Scope> {
  if (isUnitScoped(turn.actor)) {
    const unit = turn.actor.unitId === null ? null : await facts.unit(turn.actor.unitId);
    return unit ? { kind: 'unit', unit } : { kind: 'no-unit' };
  }
  return turn.namedUnit ? { kind: 'unit', unit: turn.namedUnit } : { kind: 'bureau' };
}
