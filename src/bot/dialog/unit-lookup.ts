import type { UnitRef } from '../../domain/catalog/directory';

/** What a unit named by a desk user resolves to: one unit, several candidates, or none. */
export type UnitMatch = { kind: 'one'; unit: UnitRef } | { kind: 'many'; candidates: UnitRef[] } | { kind: 'none' };

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/**
 * Finds the unit an engineer names on the phone («二院», «H2», «市第二人民医院»): an exact code or
 * name wins; else every active unit whose name contains the words, or that the words contain.
 */
export function lookupUnit(units: readonly UnitRef[], said: string): UnitMatch {
  const q = norm(said);
  if (!q) return { kind: 'none' };
  const active = units.filter((u) => u.active);
  const exact = active.filter((u) => norm(u.code) === q || norm(u.name) === q);
  if (exact.length === 1) return { kind: 'one', unit: exact[0] };
  const partial = active.filter((u) => {
    const name = norm(u.name);
    return (Array.from(q).length >= 2 && name.includes(q)) || q.includes(name);
  });
  if (partial.length === 1) return { kind: 'one', unit: partial[0] };
  if (partial.length > 1) return { kind: 'many', candidates: partial };
  return { kind: 'none' };
}
