/** How a column is rendered: text as is, int and money as numbers, date as an Excel date. */
export type ColumnType = 'text' | 'int' | 'money' | 'date';

/** One column of a downloadable table: the JSON field, its Chinese header and its width in characters. */
export interface Column {
  key: string;
  header: string;
  width: number;
  type: ColumnType;
}

export type Cell = string | number | null | undefined;
export type TableRow = Record<string, Cell>;

/** A report as a table: what xlsx.ts and csv.ts render. */
export interface Table {
  /** Report name, e.g. 领用存报表; also the sheet name. */
  title: string;
  /** Shown under the title, e.g. 统计期间：2026-01-01 至 2026-03-31. */
  subtitle?: string;
  columns: Column[];
  rows: TableRow[];
  /** The 合计 row: values by key (the first column shows 合计). */
  totals?: TableRow;
}

/** Shorthand for a column. */
export const col = (key: string, header: string, type: ColumnType = 'text', width?: number): Column => ({
  key,
  header,
  type,
  width: width ?? (type === 'text' ? Math.max(10, header.length * 2 + 2) : type === 'date' ? 12 : Math.max(10, header.length * 2 + 2)),
});

/** Sums the int and money columns of the rows (money to the cent) into a 合计 row. */
export function totalsOf(columns: readonly Column[], rows: readonly TableRow[]): TableRow {
  const t: TableRow = {};
  for (const c of columns) {
    if (c.type !== 'int' && c.type !== 'money') continue;
    const s = rows.reduce<number>((acc, r) => acc + (typeof r[c.key] === 'number' ? (r[c.key] as number) : 0), 0);
    t[c.key] = c.type === 'money' ? Math.round(s * 100) / 100 : s;
  }
  return t;
}

/** Builds a table from report rows, keeping only the columns' keys; `totals: true` adds a 合计 row. */
export function tableOf(
  title: string,
  subtitle: string | undefined,
  columns: Column[],
  rows: readonly object[],
  opts: { totals?: boolean } = {},
): Table {
  const picked = rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, (r as Record<string, Cell>)[c.key] ?? null])));
  return { title, subtitle, columns, rows: picked, totals: opts.totals ? totalsOf(columns, picked) : undefined };
}

/** Bill numbers are shown with their 10 digits (0000000001), as printed on the bill. */
export const billNo = (n: number): string => String(n).padStart(10, '0');

/**
 * A Content-Disposition value for a download with a Chinese name: an ASCII fallback plus the
 * RFC 5987 `filename*=UTF-8''…` form that browsers and Excel use.
 */
export function attachmentHeader(fileName: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  const ascii = asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
