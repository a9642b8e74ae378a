// Kept apart from the directory's unitNamedIn (src/domain/catalog/unit-names.ts): this finds organisations
// the directory does not know, by their kind (会计学会, 实验小学) or a numbered short name (二中).

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
