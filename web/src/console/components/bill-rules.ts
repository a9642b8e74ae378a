// Form rules that mirror the server's ledger schemas (ledger.schemas.ts) with the same Chinese
// messages, so a form says what the API would say before anything is sent.
import type { FormItemRule } from 'element-plus';

/** A bill number as typed (leading zeros allowed): 1 … 9999999999, else null. */
export function parseBillNo(text: string | number | null | undefined): number | null {
  const s = String(text ?? '').trim();
  if (!/^\d{1,10}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 ? n : null;
}

export const batchCodeRule: FormItemRule = {
  validator: (_r, v: string, cb) => cb(/^\d{8}$/.test(String(v ?? '').trim()) ? undefined : new Error('票据代码应为 8 位数字')),
  trigger: ['blur', 'change'],
};

export function billNoRule(label: string): FormItemRule {
  return {
    validator: (_r, v: string, cb) => {
      const s = String(v ?? '').trim();
      if (!s) return cb(new Error(`请填写${label}`));
      if (!/^\d+$/.test(s)) return cb(new Error('票据号码必须是整数'));
      if (s.length > 10) return cb(new Error('票据号码最多 10 位（不超过 9999999999）'));
      return cb(parseBillNo(s) === null ? new Error('票据号码最小为 1') : undefined);
    },
    trigger: ['blur', 'change'],
  };
}

/** A positive whole quantity up to the server's limit. */
export function quantityRule(label = '数量'): FormItemRule {
  return {
    validator: (_r, v: unknown, cb) => {
      const n = typeof v === 'number' ? v : Number(String(v ?? '').trim());
      if (v === '' || v === null || v === undefined) return cb(new Error(`请填写${label}`));
      if (!Number.isInteger(n)) return cb(new Error('数量必须是整数'));
      if (n <= 0) return cb(new Error('数量必须大于 0'));
      return cb(n > 10_000_000 ? new Error('数量不能超过 10000000') : undefined);
    },
    trigger: ['blur', 'change'],
  };
}
