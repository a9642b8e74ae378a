import { describe, expect, it } from 'vitest';
import { extractEntities, type BillTypeRef } from '../../src/bot/nlp/entities';

const billTypes: BillTypeRef[] = [
  { code: 'MED', name: '医疗收费票据', aliases: ['医疗票', '医疗收费票', '门诊票'] },
  { code: 'FLOW', name: '资金往来结算票据', aliases: ['往来票', '往来结算票据', '往来结算票'] },
  { code: 'NTAX', name: '非税收入通用票据', aliases: ['非税票', '通用票据'] },
  { code: 'NTAX-G', name: '非税收入一般缴款书', aliases: ['缴款书'] },
  { code: 'DON', name: '公益事业捐赠票据', aliases: ['捐赠票', '捐赠收据'] },
  { code: 'DUES', name: '社会团体会费统一票据', aliases: ['会费票'] },
];
// 2026-03-18 18:30 UTC is already 2026-03-19 02:30 in Asia/Shanghai.
const now = new Date('2026-03-18T18:30:00Z');
const extract = (text: string) => extractEntities(text, { billTypes, now });

describe('extractEntities: bill types', () => {
  it.each([
    ['医疗票还剩多少', 'MED'],
    ['我们医疗收费票据的库存', 'MED'],
    ['往来票怎么领', 'FLOW'],
    ['非税票剩几本', 'NTAX'],
    ['捐赠票核销了吗', 'DON'],
    ['会费票还有吗', 'DUES'],
    ['ＦＬＯＷ 以外的往来结算票据', 'FLOW'],
  ])('when the text says %s, then the bill type is %s', (text, code) => {
    expect(extract(text).billType?.code).toBe(code);
  });

  it('when a short alias is inside a longer name of another type, then the longest match wins', () => {
    expect(extract('非税收入通用票据还剩多少')).toEqual({ billType: { code: 'NTAX', name: '非税收入通用票据' } });
  });

  it.each([
    ['那门诊的呢', 'MED'],
    ['医疗的还剩多少', 'MED'],
    ['会费的核销了吗', 'DUES'],
  ])('when the text names a 票 alias by its stem and 的 (%s), then the bill type is %s', (text, code) => {
    expect(extract(text).billType?.code).toBe(code);
  });

  it('when the text says 电子的 or a one-character stem, then no bill type is read from it', () => {
    expect(extract('那电子的呢')).toEqual({ electronic: true });
    expect(extract('那个的呢').billType).toBeUndefined();
  });

  it('when no bill type is named, then billType is absent', () => {
    expect(extract('我们还剩多少票').billType).toBeUndefined();
  });
});

describe('extractEntities: periods (Asia/Shanghai)', () => {
  it.each([
    ['今年用了多少', '2026-01-01', '2026-12-31'],
    ['去年的核销', '2025-01-01', '2025-12-31'],
    ['上个月领的票', '2026-02-01', '2026-02-28'],
    ['本月', '2026-03-01', '2026-03-31'],
    ['这个季度的申领', '2026-01-01', '2026-03-31'],
    ['2026年3月的核销', '2026-03-01', '2026-03-31'],
    ['上周提交的', '2026-03-09', '2026-03-15'],
    ['今天', '2026-03-19', '2026-03-19'],
    ['3月份的核销结果', '2026-03-01', '2026-03-31'],
    ['12月份的核销', '2025-12-01', '2025-12-31'],
    ['2025年第四季度', '2025-10-01', '2025-12-31'],
    // Quarters without a year: this year's, or last year's while that quarter has not begun.
    ['一季度的核销', '2026-01-01', '2026-03-31'],
    ['第二季度申领了几次', '2025-04-01', '2025-06-30'],
    ['4季度', '2025-10-01', '2025-12-31'],
    // A day: ISO, Chinese, and a month-day that is still ahead (last year's).
    ['2026-11-03 提交的申领', '2026-11-03', '2026-11-03'],
    ['2026年1月5日的核销', '2026-01-05', '2026-01-05'],
    ['3月3日交的申领', '2026-03-03', '2026-03-03'],
    ['11月3号的工单', '2025-11-03', '2025-11-03'],
  ])('when the text says %s, then the period is %s … %s', (text, from, to) => {
    expect(extract(text).period).toMatchObject({ from, to });
  });

  it('when no time word is present, then period is absent', () => {
    expect(extract('医疗票还剩多少').period).toBeUndefined();
  });
});

describe('extractEntities: numbers', () => {
  it('when a document number follows 申领单, then it is the documentNo and not a date', () => {
    const e = extract('申领单 A-2026-0012 什么状态');
    expect(e.documentNo).toBe('A-2026-0012');
    expect(e.period).toBeUndefined();
  });

  it('when a number follows 单号 with a full-width colon, then it is the documentNo', () => {
    expect(extract('核销单号：hx-2026-031 状态').documentNo).toBe('HX-2026-031');
  });

  it.each([
    ['工单123 到哪了', '123'],
    ['#45 有人回复吗', '45'],
    ['工单号：77', '77'],
    ['工单号：12345 有进展吗', '12345'],
  ])('when the text is %s, then ticketNo is %s and no documentNo is invented', (text, no) => {
    const e = extract(text);
    expect(e.ticketNo).toBe(no);
    expect(e.documentNo).toBeUndefined();
  });

  it('when a phone number is given, then it is not taken for a document number', () => {
    expect(extract('手机号 13800138000 麻烦回电').documentNo).toBeUndefined();
  });
});

describe('extractEntities: 电子的, 上一次 and aliases with 的', () => {
  it.each([
    ['那电子票呢', true],
    ['电子的呢', true],
    ['电子的还有多少', true],
    ['电子化之后怎么核销', false],
    ['医疗票还剩多少', false],
  ])('when the text is %s, then electronic is %s', (text, electronic) => {
    expect(Boolean(extract(text).electronic)).toBe(electronic);
  });

  it('when an electronic bill type is named, then the bill type wins and electronic is not set', () => {
    const billTypesE: BillTypeRef[] = [...billTypes, { code: 'MED-E', name: '医疗收费电子票据', aliases: ['电子医疗票'] }];
    const e = extractEntities('电子医疗票还剩多少', { billTypes: billTypesE, now });
    expect(e).toMatchObject({ billType: { code: 'MED-E' } });
    expect(e.electronic).toBeUndefined();
  });

  it.each(['那上一次的结果呢', '上次的呢', '最近一次申领是什么时候'])('when the text is %s, then latest is set', (text) => {
    expect(extract(text).latest).toBe(true);
  });

  it('when the text says 门诊的票, then the alias 门诊票 is recognised', () => {
    expect(extract('那门诊的票呢').billType?.code).toBe('MED');
  });
});
