import type { UnitRef } from './types';

/** Shorter names match inside ordinary words too often to be read as a unit. */
const MIN_NAME_CHARS = 3;

/** A unit of the directory with the other names people use for it (二中, 中医院); aliases may be absent. */
export type NamedUnit = UnitRef & { aliases?: readonly string[] };

const names = (u: NamedUnit): string[] =>
  [u.name, ...(u.aliases ?? [])].map((n) => n.normalize('NFKC').trim()).filter((n) => Array.from(n).length >= 2);

/** The unit whose full name or alias (the longest match) appears in text, if any. */
export function unitNamedIn(units: readonly NamedUnit[], text: string): UnitRef | null {
  const hay = text.normalize('NFKC');
  let best: { ref: UnitRef; len: number } | null = null;
  for (const u of units) {
    for (const [i, name] of names(u).entries()) {
      // Full names need three characters; an alias is data someone entered on purpose (二中).
      if ((i === 0 && Array.from(name).length < MIN_NAME_CHARS) || !hay.includes(name)) continue;
      if (!best || name.length > best.len) best = { ref: { id: u.id, code: u.code, name: u.name }, len: name.length };
    }
  }
  return best?.ref ?? null;
}

// An organisation named by its kind (会计学会, 实验小学, 人民医院) or a numbered short name (二中, 一医, 三院).
const ORGANISATION =
  /(红十字会|慈善总会|[\p{Script=Han}]{1,10}?(?:学会|协会|基金会|商会|研究会|红十字会|慈善会|联合会|工会|医院|卫生院|卫生所|学校|小学|中学|大学|学院|幼儿园|研究院|研究所|中心|管理处|管理所))|(?<![\p{Script=Han}])([一二三四五六七八九十]{1,2}(?:中|小|医|院))(?![\p{Script=Han}]*?(?:时|分钟|学期|年级))/gu;
const OWN = /^(?:我们|我|本|咱们|咱|俺们|俺|自己|贵)/u;

/**
 * An organisation named in text that is not the asker's own unit: the unit-scoped asker may not see
 * its data. The name is kept only when it is not part of the asker's own unit's names.
 */
export function otherOrganisationIn(text: string, own: { name: string | null; aliases?: readonly string[] }): string | null {
  const hay = text.normalize('NFKC');
  const ownNames = [own.name ?? '', ...(own.aliases ?? [])].filter(Boolean);
  for (const m of hay.matchAll(ORGANISATION)) {
    const found = (m[1] ?? m[2]).replace(OWN, '').replace(/^(?:们|的|单位|查|看|问|一下|下)+/u, '');
    if (Array.from(found).length < 2 || /^(?:医院|学校|小学|中学|大学|学院|中心|单位)$/u.test(found)) continue;
    if (ownNames.some((n) => n.includes(found) || found.includes(n))) continue;
    return found;
  }
  // A bare kind of organisation the asker's own is not ("幼儿园的票据结存" from a hospital).
  const bare = /(?:^|[^\p{Script=Han}])(医院|卫生院|学校|小学|中学|大学|学院|幼儿园)的?(?:票|库存|还剩|结存|核销|申领|号段)/u.exec(hay);
  if (bare && !ownNames.some((n) => n.includes(bare[1]))) return bare[1];
  return null;
}
