/**
 * A raw SQL cell as text for keys and messages: drivers give strings or numbers (bigint and numeric
 * come back as strings on PostgreSQL); NULL reads as "-".
 */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
