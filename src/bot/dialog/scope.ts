import { isUnitScoped } from '../../domain/policy';
import type { Turn, UnitRef } from './types';

/** Whose data a domain question is about. */
export type Scope = { kind: 'unit'; unit: UnitRef } | { kind: 'bureau' } | { kind: 'no-unit' };

/**
 * Unit staff: always their own unit (another unit named in the text is refused before this).
 * Bureau roles: the unit named in the text, else the bureau as a whole.
 */
export function scopeOf(turn: Turn): Scope {
  const { actor, sender } = turn;
  if (isUnitScoped(actor)) {
    return actor.unitId !== null && actor.unitCode !== null && sender.unitName !== null
      ? { kind: 'unit', unit: { id: actor.unitId, code: actor.unitCode, name: sender.unitName } }
      : { kind: 'no-unit' };
  }
  return turn.namedUnit ? { kind: 'unit', unit: turn.namedUnit } : { kind: 'bureau' };
}
