/** What a unit is called: its full name, its code and the short names people use (二中, 中医院). */
export interface NamedUnit {
  id: number;
  code: string;
  name: string;
  aliases: readonly string[];
}

/** Full names shorter than this match inside ordinary words too often to be read as a unit. */
const MIN_NAME_CHARS = 3;

const norm = (s: string): string => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** A name as names are compared and stored (unit_name.key): NFKC, no whitespace, lower case. */
export const nameKey = norm;

/**
 * The longest key unit_name stores. NFKC lengthens a few compatibility characters (one ligature
 * becomes 18 letters), so the schemas refuse a name whose key would not fit rather than fail in SQL.
 */
export const MAX_NAME_KEY_CHARS = 512;

/** Every name a unit answers to (full name first), normalised. */
export function namesOf(u: Pick<NamedUnit, 'name' | 'aliases'>): string[] {
  return [u.name, ...u.aliases].map(norm).filter((n) => n.length > 0);
}

/** The rows of unit_name a unit holds: its names normalised, each once (二中 and 二 中 are one key). */
export function unitNameKeys(u: Pick<NamedUnit, 'name' | 'aliases'>): string[] {
  return [...new Set(namesOf(u))];
}

/**
 * The unit named inside free text (the longest name wins: 市第二中学 over 二中). Aliases are curated
 * data, so a two-character alias counts; a full name must have at least three characters.
 */
export function unitNamedIn<U extends NamedUnit>(units: readonly U[], text: string): U | null {
  const hay = norm(text);
  let best: U | null = null;
  let bestLen = 0;
  for (const u of units) {
    const candidates = [norm(u.name), ...u.aliases.map(norm)];
    candidates.forEach((name, i) => {
      const min = i === 0 ? MIN_NAME_CHARS : 2;
      if (Array.from(name).length < min || name.length <= bestLen || !hay.includes(name)) return;
      best = u;
      bestLen = name.length;
    });
  }
  return best;
}

/** How a typed query found units: one sure match, several candidates, or none. */
export type UnitMatch<U> = { kind: 'one'; unit: U } | { kind: 'many'; units: U[] } | { kind: 'none' };

/**
 * Finds the unit a person means by a code, a full name, a short name or a part of one (「二中」,
 * 「105001」, 「第二中学」). An exact code, name or alias is one sure match; otherwise every unit whose
 * name or alias contains the query is a candidate (at most `limit`, best first).
 */
export function matchUnits<U extends NamedUnit>(units: readonly U[], query: string, limit = 10): UnitMatch<U> {
  const q = norm(query);
  if (!q) return { kind: 'none' };
  const exact = units.filter((u) => norm(u.code) === q || namesOf(u).includes(q));
  if (exact.length === 1) return { kind: 'one', unit: exact[0] };
  if (exact.length > 1) return { kind: 'many', units: exact.slice(0, limit) };
  const partial = units
    .filter((u) => norm(u.code).startsWith(q) || namesOf(u).some((n) => n.includes(q)))
    // Shorter names first: the closest to what was typed.
    .sort((a, b) => a.name.length - b.name.length || a.code.localeCompare(b.code));
  if (partial.length === 1) return { kind: 'one', unit: partial[0] };
  if (partial.length > 1) return { kind: 'many', units: partial.slice(0, limit) };
  return { kind: 'none' };
}
