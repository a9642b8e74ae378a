import type ExcelJS from 'exceljs';

// exceljs costs ~100 ms and ~8 MB to load: only a process that renders a workbook loads it.
let excel: Promise<typeof ExcelJS> | undefined;
const loadExcel = (): Promise<typeof ExcelJS> => (excel ??= import('exceljs').then((m) => m.default));
import type { Cell, Column, Table } from './table';

const NUM_FMT: Record<Column['type'], string | undefined> = {
  text: '@',
  int: '#,##0',
  money: '#,##0.00',
  date: 'yyyy-mm-dd',
};

/** Excel forbids []:*?/\ in sheet names and cuts them at 31 characters. */
export function sheetName(title: string, taken: Set<string>): string {
  const base =
    title
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 31) || '报表';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 28)}(${i})`;
  taken.add(name);
  return name;
}

/** A cell value as Excel should hold it: numbers stay numbers, YYYY-MM-DD becomes a date. */
function cellValue(c: Column, v: Cell): ExcelJS.CellValue {
  if (v === null || v === undefined || v === '') return null;
  if (c.type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d));
  }
  if ((c.type === 'int' || c.type === 'money') && typeof v === 'number') return v;
  return String(v);
}

function addSheet(wb: ExcelJS.Workbook, t: Table, name: string): void {
  const ws = wb.addWorksheet(name);
  const n = Math.max(1, t.columns.length);
  ws.columns = t.columns.map((c) => ({ key: c.key, width: c.width, style: NUM_FMT[c.type] ? { numFmt: NUM_FMT[c.type] } : {} }));
  const title = ws.getRow(1);
  title.getCell(1).value = t.title;
  title.getCell(1).font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, n);
  let headerAt = 2;
  if (t.subtitle) {
    ws.getRow(2).getCell(1).value = t.subtitle;
    ws.mergeCells(2, 1, 2, n);
    headerAt = 3;
  }
  const header = ws.getRow(headerAt);
  t.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.numFmt = 'General';
    cell.alignment = { horizontal: 'center', vertical: 'middle' };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
  });
  ws.views = [{ state: 'frozen', ySplit: headerAt, xSplit: 0 }];
  t.rows.forEach((r, i) => {
    const row = ws.getRow(headerAt + 1 + i);
    t.columns.forEach((c, j) => {
      row.getCell(j + 1).value = cellValue(c, r[c.key]);
    });
  });
  if (t.totals) {
    const row = ws.getRow(headerAt + 1 + t.rows.length);
    t.columns.forEach((c, j) => {
      const cell = row.getCell(j + 1);
      cell.value = j === 0 ? '合计' : cellValue(c, t.totals?.[c.key]);
      cell.font = { bold: true };
    });
  }
}

/** Renders tables as one workbook, one sheet per table (sheet named after the table, in Chinese). */
export async function renderXlsx(tables: readonly Table[]): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'fiscal-bill-desk';
  wb.created = new Date();
  const taken = new Set<string>();
  for (const t of tables) addSheet(wb, t, sheetName(t.title, taken));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
