import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { BOM, csvField, renderCsv } from '../../src/api/reports/csv';
import { attachmentHeader, col, tableOf, totalsOf, type Table } from '../../src/api/reports/table';
import { renderXlsx, sheetName } from '../../src/api/reports/xlsx';
import { addMonths, dayStartIso, isRealDate, resolvePeriod } from '../../src/domain/reports/report.schemas';

const table = (): Table =>
  tableOf(
    '领用存报表',
    '统计期间：2026-01-01 至 2026-03-31',
    [
      col('unitName', '单位名称', 'text', 28),
      col('cutoff', '截止日期', 'date'),
      col('opening', '期初结存', 'int'),
      col('amount', '金额（元）', 'money'),
    ],
    [
      { unitName: '第一人民医院', cutoff: '2026-03-31', opening: 1200, amount: 1234.5, ignored: 'x' },
      { unitName: '=HYPERLINK("http://evil")', cutoff: null, opening: 300, amount: 0.25 },
    ],
    { totals: true },
  );

async function readBack(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb;
}

describe('xlsx rendering', () => {
  it('when a table is rendered, then the Chinese sheet has a title, a bold frozen header, values and a 合计 row', async () => {
    const wb = await readBack(await renderXlsx([table()]));
    const ws = wb.getWorksheet('领用存报表')!;
    expect(ws).toBeDefined();
    expect(ws.getCell('A1').value).toBe('领用存报表');
    expect(ws.getCell('A2').value).toBe('统计期间：2026-01-01 至 2026-03-31');
    const header = ws.getRow(3);
    expect([1, 2, 3, 4].map((i) => header.getCell(i).value)).toEqual(['单位名称', '截止日期', '期初结存', '金额（元）']);
    expect(header.getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.getColumn(1).width).toBe(28);
    expect(ws.getCell('A4').value).toBe('第一人民医院');
    expect((ws.getCell('B4').value as Date).toISOString().slice(0, 10)).toBe('2026-03-31');
    expect(ws.getCell('B4').numFmt).toBe('yyyy-mm-dd');
    expect(ws.getCell('C4').value).toBe(1200);
    expect(ws.getCell('C4').numFmt).toBe('#,##0');
    expect(ws.getCell('D4').numFmt).toBe('#,##0.00');
    // A formula-looking text stays text in xlsx: it is a string cell, never a formula.
    expect(ws.getCell('A5').value).toBe('=HYPERLINK("http://evil")');
    expect(ws.getCell('A5').type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell('A6').value).toBe('合计');
    expect(ws.getCell('C6').value).toBe(1500);
    expect(ws.getCell('D6').value).toBe(1234.75);
    expect(ws.getCell('A6').font?.bold).toBe(true);
  });

  it('when several tables share a title or use forbidden characters, then each gets its own valid sheet name', async () => {
    const a = { ...table(), title: '预警/库存:不足?' };
    const wb = await readBack(await renderXlsx([a, a]));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['预警 库存 不足', '预警 库存 不足(2)']);
    expect(sheetName('x'.repeat(40), new Set()).length).toBe(31);
  });
});

describe('csv rendering', () => {
  it('when a table is rendered, then it is UTF-8 with BOM, CRLF, header first and a 合计 row', () => {
    const buf = renderCsv([table()]);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8');
    expect(text.startsWith(BOM)).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe('单位名称,截止日期,期初结存,金额（元）');
    expect(lines[1]).toBe('第一人民医院,2026-03-31,1200,1234.5');
    expect(lines[3]).toBe('合计,,1500,1234.75');
    expect(lines[4]).toBe('');
  });

  it('when a cell starts with = + - @ or tab, then it is prefixed with a quote and RFC 4180-quoted where needed', () => {
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('+86 123')).toBe("'+86 123");
    expect(csvField('-5')).toBe("'-5");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField(-5)).toBe('-5');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField('普通文本')).toBe('普通文本');
  });

  it('when several tables are rendered, then each section starts with its title after a blank line', () => {
    const t1 = tableOf('库存不足预警', undefined, [col('a', '甲')], [{ a: 'x' }]);
    const t2 = tableOf('逾期未核销预警', undefined, [col('b', '乙')], []);
    const lines = renderCsv([t1, t2]).toString('utf8').slice(1).split('\r\n');
    expect(lines).toEqual(['库存不足预警', '甲', 'x', '', '逾期未核销预警', '乙', '']);
  });
});

describe('table helpers and periods', () => {
  it('when totals are computed, then only int and money columns are summed (money to the cent)', () => {
    const cols = [col('t', '文本'), col('n', '数', 'int'), col('m', '钱', 'money')];
    expect(
      totalsOf(cols, [
        { t: 'a', n: 1, m: 0.1 },
        { t: 'b', n: 2, m: 0.2 },
      ]),
    ).toEqual({ n: 3, m: 0.3 });
  });

  it('when a Chinese file name is given, then Content-Disposition carries an ASCII fallback and filename*=UTF-8', () => {
    const h = attachmentHeader('领用存报表_2026-01-01_2026-03-31.xlsx', 'report_2026-01-01_2026-03-31.xlsx');
    expect(h).toBe(
      `attachment; filename="report_2026-01-01_2026-03-31.xlsx"; filename*=UTF-8''${encodeURIComponent('领用存报表')}_2026-01-01_2026-03-31.xlsx`,
    );
    expect(decodeURIComponent(h.split("UTF-8''")[1])).toBe('领用存报表_2026-01-01_2026-03-31.xlsx');
  });

  it('when periods are resolved, then Shanghai day bounds, defaults and the five-year limit apply', () => {
    expect(dayStartIso('2026-03-01')).toBe('2026-02-28T16:00:00.000Z');
    expect(resolvePeriod({ from: '2026-01-01', to: '2026-03-31' }, new Date())).toEqual({
      from: '2026-01-01',
      to: '2026-03-31',
      startIso: '2025-12-31T16:00:00.000Z',
      endIso: '2026-03-31T16:00:00.000Z',
    });
    expect(resolvePeriod({}, new Date('2026-03-02T02:00:00Z'))).toMatchObject({ from: '2026-01-01', to: '2026-03-02' });
    expect(() => resolvePeriod({ from: '2026-03-02', to: '2026-03-01' }, new Date())).toThrow('不能晚于');
    expect(() => resolvePeriod({ from: '2020-01-01', to: '2025-01-01' }, new Date())).toThrow('不能超过 5 年');
    expect(resolvePeriod({ from: '2020-01-01', to: '2024-12-31' }, new Date()).to).toBe('2024-12-31');
    expect(isRealDate('2026-02-29')).toBe(false);
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
  });
});
