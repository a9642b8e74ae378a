import type { Cell, Table } from './table';

/** UTF-8 byte order mark: without it Excel reads a CSV as the local code page and garbles Chinese. */
export const BOM = '\uFEFF';

// Cells starting with these are run as formulas by spreadsheet programs (CSV injection);
// tab and CR are included as OWASP advises.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: text that could be read as a formula gets a leading quote; RFC 4180 quoting. */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? String(v) : v;
  if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const line = (cells: readonly Cell[]): string => cells.map(csvField).join(',');

/** The header, rows and 合计 of one table as CSV lines. */
function tableLines(t: Table): string[] {
  const out = [line(t.columns.map((c) => c.header))];
  for (const r of t.rows) out.push(line(t.columns.map((c) => r[c.key])));
  if (t.totals) out.push(line(t.columns.map((c, i) => (i === 0 ? '合计' : t.totals?.[c.key]))));
  return out;
}

/**
 * Renders tables as CSV (UTF-8 with BOM, CRLF). One table starts with its header so machines can
 * read it; several tables are sections, each introduced by its title and separated by a blank line.
 */
export function renderCsv(tables: readonly Table[]): Buffer {
  const lines =
    tables.length === 1 ? tableLines(tables[0]) : tables.flatMap((t, i) => [...(i > 0 ? [''] : []), line([t.title]), ...tableLines(t)]);
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
