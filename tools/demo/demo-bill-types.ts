import type { CreateBillTypeInput } from '../../src/domain/catalog/catalog.schemas';

/** A demo bill type plus the 4 digits (category 2 + kind 2) its 票据代码 carries. */
export interface DemoBillType extends CreateBillTypeInput {
  kindDigits: string;
  /** Numbers per print order in the demo year (electronic numbers come in bigger blocks). */
  orderSize: number;
}

/** The region's first two digits of every 票据代码. */
export const REGION_DIGITS = '37';

/** The common bill types of 财政部令第70号 with the names and aliases unit staff use. */
export const DEMO_BILL_TYPES: DemoBillType[] = [
  {
    code: 'FS01',
    name: '非税收入通用票据',
    category: 'nontax',
    aliases: ['非税票', '通用票', '非税收入票据'],
    copies: 4,
    retentionYears: 5,
    electronic: false,
    kindDigits: '0101',
    orderSize: 60_000,
  },
  {
    code: 'FS02',
    name: '非税收入专用票据',
    category: 'nontax',
    aliases: ['专用票', '非税专用票'],
    copies: 4,
    retentionYears: 5,
    electronic: false,
    kindDigits: '0102',
    orderSize: 20_000,
  },
  {
    code: 'FS03',
    name: '非税收入一般缴款书',
    category: 'nontax',
    aliases: ['缴款书', '一般缴款书'],
    copies: 4,
    retentionYears: 5,
    electronic: false,
    kindDigits: '0103',
    orderSize: 30_000,
  },
  {
    code: 'FS01E',
    name: '非税收入通用电子票据',
    category: 'nontax',
    aliases: ['非税电子票', '电子非税票'],
    copies: 1,
    retentionYears: 5,
    electronic: true,
    kindDigits: '0151',
    orderSize: 200_000,
  },
  {
    code: 'JS01',
    name: '资金往来结算票据',
    category: 'settlement',
    aliases: ['往来票', '结算票', '往来结算票'],
    copies: 3,
    retentionYears: 5,
    electronic: false,
    kindDigits: '0201',
    orderSize: 30_000,
  },
  {
    code: 'JZ01',
    name: '公益事业捐赠票据',
    category: 'other',
    aliases: ['捐赠票', '捐赠收据'],
    copies: 3,
    retentionYears: 5,
    electronic: false,
    kindDigits: '0301',
    orderSize: 10_000,
  },
  {
    code: 'JZ01E',
    name: '公益事业捐赠电子票据',
    category: 'other',
    aliases: ['电子捐赠票'],
    copies: 1,
    retentionYears: 5,
    electronic: true,
    kindDigits: '0351',
    orderSize: 50_000,
  },
  {
    code: 'YL01',
    name: '医疗收费票据',
    category: 'other',
    aliases: ['医疗票', '门诊票', '住院票', '医疗发票'],
    copies: 3,
    retentionYears: 5,
    electronic: false,
    kindDigits: '0401',
    orderSize: 150_000,
  },
  {
    code: 'YL01E',
    name: '医疗收费电子票据',
    category: 'other',
    aliases: ['医疗电子票', '电子医疗票', '电子门诊票', '电子住院票'],
    copies: 1,
    retentionYears: 5,
    electronic: true,
    kindDigits: '0451',
    orderSize: 500_000,
  },
  {
    code: 'HF01',
    name: '社会团体会费票据',
    category: 'other',
    aliases: ['会费票', '会费收据'],
    copies: 3,
    retentionYears: 5,
    electronic: false,
    kindDigits: '0501',
    orderSize: 10_000,
  },
  {
    code: 'QT01',
    name: '其他财政票据',
    category: 'other',
    aliases: ['其他票据'],
    copies: 3,
    retentionYears: 5,
    electronic: false,
    kindDigits: '0901',
    orderSize: 10_000,
  },
];

/** 票据代码: region 2 + category/kind 4 + year 2 (domain.md). */
export function batchCodeOf(bt: Pick<DemoBillType, 'kindDigits'>, year: number): string {
  return `${REGION_DIGITS}${bt.kindDigits}${String(year % 100).padStart(2, '0')}`;
}
