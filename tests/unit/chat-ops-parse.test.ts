import { describe, expect, it } from 'vitest';
import { chineseNumber, parseQuantity, parseRuns } from '../../src/bot/nlp/chat-ops-parse';
import { chatOpsRule } from '../../src/bot/nlp/chat-ops-rules';
import { normalizeText } from '../../src/bot/nlp/normalize';

describe('chat-ops parsing', () => {
  it('reads Chinese numerals as people type them', () => {
    expect(['两千', '两千五', '一万二', '三百五十', '十五', '一千零五', '二十'].map(chineseNumber)).toEqual([
      2000, 2500, 12000, 350, 15, 1005, 20,
    ]);
    expect(chineseNumber('医疗')).toBeNaN();
  });

  it('finds the quantity asked for: 2000份, 两千张, 2千, 1.5万份; not A4, not a lone 一', () => {
    expect(parseQuantity('帮我申领医疗票2000份')).toBe(2000);
    expect(parseQuantity('申领两千张医疗票')).toBe(2000);
    expect(parseQuantity('领2千医疗票')).toBe(2000);
    expect(parseQuantity('要1.5万份')).toBe(15000);
    expect(parseQuantity('申领 SL-2026-000123 的医疗票300份')).toBe(300);
    expect(parseQuantity('帮我领一下医疗票')).toBeNull();
    expect(parseQuantity('领一箱A4纸')).toBeNull();
  });

  it('reads runs by kind, with an optional batch code, and refuses reversed or over-long ones', () => {
    expect(parseRuns('核销 医疗票 已用 0000001-0000300 作废 0000301-0000305，灭失 0000306')).toEqual({
      runs: [
        { kind: 'used', batchCode: null, startNo: 1, endNo: 300 },
        { kind: 'voided', batchCode: null, startNo: 301, endNo: 305 },
        { kind: 'lost', batchCode: null, startNo: 306, endNo: 306 },
      ],
      error: null,
    });
    expect(parseRuns('代码 20260001 已用 1 至 300').runs).toEqual([{ kind: 'used', batchCode: '20260001', startNo: 1, endNo: 300 }]);
    expect(parseRuns('已用 0000300-0000001').error).toContain('起始号码大于终止号码');
    expect(parseRuns('已用 12345678901-12345678902').error).toContain('超过 10 位');
  });
});

describe('chat-ops rules (before the model)', () => {
  const rule = (text: string) => chatOpsRule(normalizeText(text));
  it.each([
    ['帮我申领医疗票2000份', 'application.submit'],
    ['我们要领2千份医疗票', 'application.submit'],
    ['撤回申领 SL-2026-000123', 'application.withdraw'],
    ['帮我把SL-2026-000888撤回', 'application.withdraw'],
    ['核销 医疗票 已用 0000001-0000300 作废 0000301-0000305', 'writeoff.submit'],
    ['申请核销 医疗票 已用0000001-0000400', 'writeoff.submit'],
  ])('%s → %s', (text, intent) => expect(rule(text)).toBe(intent));

  it.each([
    '一次最多能领多少医疗票',
    '上次领了2000份是哪天',
    '把申领数量改成100本',
    '申领单怎么撤回',
    '核销单号 HX-2026-031 状态',
    '领一箱A4纸',
    '申领流程',
  ])('%s is not a request to act', (text) => expect(rule(text)).toBeUndefined());
});
