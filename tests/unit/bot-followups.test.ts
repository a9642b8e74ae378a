import { describe, expect, it } from 'vitest';
import { resolveFollowUp, type TurnContext } from '../../src/bot/dialog/context';
import { otherOrganisationIn } from '../../src/bot/dialog/other-organisation';
import { unitNamedIn } from '../../src/domain/catalog/unit-names';
import { prepareText } from '../../src/bot/nlp/classifier';
import { notAboutBills } from '../../src/bot/nlp/topic-gate';
import { applyRules } from '../../src/bot/nlp/rules';
import { normalizeText } from '../../src/bot/nlp/normalize';

const ctx = (intent: string, entities: TurnContext['entities'] = {}): TurnContext => ({ intent, entities, at: 0 });
const MED = { code: 'YL01', name: '医疗收费票据' };

describe('resolveFollowUp: elliptical follow-ups keep the subject and switch the entity', () => {
  it('when 那住院票呢 follows a stock answer, then stock of that bill type is asked', () => {
    expect(resolveFollowUp('那住院票呢', { billType: MED }, ctx('stock.query'))).toMatchObject({
      intent: 'stock.query',
      entities: { billType: MED },
      rule: 'follow-up.entity',
    });
  });

  it('when 电子的呢 follows a stock answer of one bill type, then the bill type gives way to 电子', () => {
    const f = resolveFollowUp('电子的呢', { electronic: true }, ctx('stock.query', { billType: MED }));
    expect(f?.entities).toEqual({ electronic: true });
  });

  it('when 那上个月的呢 follows a status answer, then the period is added and the bill type kept', () => {
    const period = { from: '2026-02-01', to: '2026-02-28', label: '上个月' };
    const f = resolveFollowUp('那上个月的呢', { period }, ctx('writeoff.status', { billType: MED }));
    expect(f).toMatchObject({ intent: 'writeoff.status', entities: { billType: MED, period } });
  });

  it('when 那上一次的结果呢 follows an application answer, then it stays an application question for the newest one', () => {
    expect(resolveFollowUp('那上一次的结果呢', { latest: true }, ctx('application.status'))).toMatchObject({
      intent: 'application.status',
      entities: { latest: true },
    });
  });

  it('when 要带啥材料 follows the application how-to, then the materials are asked', () => {
    expect(resolveFollowUp('要带啥材料', {}, ctx('faq.apply.process'))?.intent).toBe('faq.apply.materials');
  });

  it('when 那我要怎么改 follows a write-off status, then it asks what to do about the returned write-off', () => {
    expect(resolveFollowUp('那我要怎么改', {}, ctx('writeoff.status', { documentNo: 'HX-2026-000003' }))).toMatchObject({
      intent: 'faq.writeoff.rejected',
      entities: { documentNo: 'HX-2026-000003' },
      rule: 'follow-up.fix',
    });
  });

  it('when the follow-up names its own subject, or nothing to switch, or there is no previous turn, then it is not a follow-up', () => {
    expect(resolveFollowUp('那核销进度呢', {}, ctx('stock.query'))).toBeNull();
    expect(resolveFollowUp('那好吧', {}, ctx('stock.query'))).toBeNull();
    expect(resolveFollowUp('那住院票呢', { billType: MED }, undefined)).toBeNull();
    expect(resolveFollowUp('那我要怎么改', {}, ctx('stock.query'))).toBeNull();
    expect(resolveFollowUp('那电子票怎么开呢', { electronic: true }, ctx('stock.query'))).toBeNull();
  });
});

describe('topic gate: stock answers are about bills', () => {
  it.each(['仓库的A4纸还剩多少', '药房阿莫西林库存', '打印机墨盒还剩几个', '口罩库存还有多少'])(
    'when the text is %s, then it is not about bills',
    (t) => {
      expect(notAboutBills(prepareText(t))).toBe(true);
    },
  );
  it.each(['我们还剩多少', '医疗票还剩多少', '库存还够不够', '查下结存', '我们医院还剩多少', '空白的还有几本', '上个月还剩多少'])(
    'when the text is %s, then it may be about bills',
    (t) => {
      expect(notAboutBills(prepareText(t))).toBe(false);
    },
  );
});

describe('other units: names, aliases, short names and organisations', () => {
  const units = [
    { id: 1, code: 'H2', name: '市第二人民医院', aliases: ['二院'] },
    { id: 2, code: 'S2', name: '市第二中学', aliases: ['二中'] },
  ];
  it('when an alias or a full name is in the text, then that unit is named', () => {
    expect(unitNamedIn(units, '二中的票还剩几张')?.code).toBe('S2');
    expect(unitNamedIn(units, '市第二人民医院还剩多少票')?.code).toBe('H2');
    expect(unitNamedIn(units, '我们还剩多少票')).toBeNull();
  });

  const own = { name: '市第二人民医院' };
  it.each([
    ['会计学会的会费票还剩多少', '会计学会'],
    ['二中的票还剩几张', '二中'],
    ['实验小学的库存查一下', '实验小学'],
    ['红十字会的捐赠票还有多少', '红十字会'],
    ['幼儿园的票据结存多少', '幼儿园'],
  ])('when the text is %s, then %s is another organisation', (text, name) => {
    expect(otherOrganisationIn(prepareText(text), own)).toBe(name);
  });
  it.each(['我们医院还剩多少票', '你好，我是市第二人民医院财务科的小王，我们还剩多少票', '医院的票还剩多少', '一小时内能批吗'])(
    'when the text is %s, then no other organisation is named',
    (text) => {
      expect(otherOrganisationIn(prepareText(text), own)).toBeNull();
    },
  );
});

describe('rules: other systems and requests to change stock', () => {
  it.each([
    ['网上报销系统提交不了', 'out-of-scope.other-system'],
    ['非税收缴系统打不开', 'out-of-scope.other-system'],
    ['火车票改签要手续费吗', 'out-of-scope.chat'],
    ['把库存加500份', 'must-not.adjust'],
    ['库存给我减掉20份', 'must-not.adjust'],
  ])('when the text is %s, then the rule %s decides None', (text, rule) => {
    expect(applyRules(normalizeText(text))).toEqual({ intent: 'None', rule });
  });
  it.each(['票据系统打不开了', '怎么把库存的号段导出来', '医疗票还剩多少'])(
    'when the text is %s, then no out-of-scope rule fires',
    (text) => {
      expect(applyRules(normalizeText(text))?.intent ?? 'model').not.toBe('None');
    },
  );
});
