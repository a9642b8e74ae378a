import { describe, expect, it } from 'vitest';
import { matchUnits, nameKey, unitNameKeys, unitNamedIn } from '../../src/domain/catalog/unit-names';

const UNITS = [
  { id: 1, code: '104002', name: '市第二中学', aliases: ['二中'] },
  { id: 2, code: '105002', name: '市中医院', aliases: ['中医院', '市中医'] },
  { id: 3, code: '105001', name: '市第一人民医院', aliases: ['一医', '市一院'] },
  { id: 4, code: '105003', name: '市第二人民医院', aliases: ['二医'] },
  { id: 5, code: 'AB', name: '市会计学会', aliases: [] },
];

describe('units named in text', () => {
  it('finds a unit by its short name, and the longest name wins', () => {
    expect(unitNamedIn(UNITS, '二中的票还剩几张')?.code).toBe('104002');
    expect(unitNamedIn(UNITS, '市第二中学的票')?.code).toBe('104002');
    expect(unitNamedIn(UNITS, '市中医院还剩多少医疗票')?.code).toBe('105002');
    expect(unitNamedIn(UNITS, '会计学会的会费票')).toBeNull();
    expect(unitNamedIn(UNITS, '市会计学会的会费票')?.code).toBe('AB');
  });

  it('reads full-width and spaced text', () => {
    expect(unitNamedIn(UNITS, '一 医 还剩多少')?.code).toBe('105001');
  });

  it('does not read a two-character full name inside ordinary words', () => {
    expect(unitNamedIn([{ id: 9, code: 'X', name: '票据', aliases: [] }], '票据还剩多少')).toBeNull();
  });
});

describe('matching what a person typed', () => {
  it('an exact code, name or alias is one sure match', () => {
    expect(matchUnits(UNITS, '二中')).toEqual({ kind: 'one', unit: UNITS[0] });
    expect(matchUnits(UNITS, '105002')).toEqual({ kind: 'one', unit: UNITS[1] });
    expect(matchUnits(UNITS, ' 市第一人民医院 ')).toEqual({ kind: 'one', unit: UNITS[2] });
  });

  it('a part of several names gives the candidates, shortest name first', () => {
    const m = matchUnits(UNITS, '人民医院');
    expect(m.kind).toBe('many');
    expect(m.kind === 'many' && m.units.map((u) => u.code)).toEqual(['105001', '105003']);
  });

  it('nothing matches an unknown or empty query', () => {
    expect(matchUnits(UNITS, '市图书馆')).toEqual({ kind: 'none' });
    expect(matchUnits(UNITS, '   ')).toEqual({ kind: 'none' });
  });
});

describe('the keys unit names are stored under (unit_name)', () => {
  it('are the full name and short names normalised, each once, full name first', () => {
    expect(unitNameKeys({ name: '市第二中学', aliases: ['二中', '二 中', 'ＥＺ', 'ez'] })).toEqual(['市第二中学', '二中', 'ez']);
  });

  it('compare full-width, spaced and upper-case spellings as the same name', () => {
    expect(nameKey(' 市 二中 ')).toBe(nameKey('市二中'));
    expect(nameKey('ＡＢＣ中心')).toBe(nameKey('abc中心'));
  });
});
