import type { UnitRef } from './types';

/** Shorter names match inside ordinary words too often to be read as a unit. */
const MIN_NAME_CHARS = 3;

/** The unit whose full name (the longest match) appears in text, if any. */
export function unitNamedIn(units: readonly UnitRef[], text: string): UnitRef | null {
  const hay = text.normalize('NFKC');
  let best: UnitRef | null = null;
  for (const u of units) {
    const name = u.name.normalize('NFKC').trim();
    if (Array.from(name).length < MIN_NAME_CHARS || !hay.includes(name)) continue;
    if (!best || name.length > best.name.length) best = { id: u.id, code: u.code, name: u.name };
  }
  return best;
}
