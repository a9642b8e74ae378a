import { describe, expect, it } from 'vitest';
import {
  deadlineLevel,
  formatBillNo,
  formatBillRange,
  formatCountdown,
  formatDate,
  formatDateTime,
  formatNumber,
} from '../../web/src/shared/format';

describe('the workbench’s formats (web.md)', () => {
  it('when a time is shown, then as YYYY-MM-DD HH:mm in Asia/Shanghai whatever its offset', () => {
    expect(formatDateTime('2026-12-04T01:30:00Z')).toBe('2026-12-04 09:30');
    expect(formatDateTime('2026-12-04T23:59:00+08:00')).toBe('2026-12-04 23:59');
    expect(formatDateTime('2026-12-04T16:00:00Z')).toBe('2026-12-05 00:00'); // midnight is 00, not 24
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });

  it('when a date is shown, then YYYY-MM-DD in Asia/Shanghai; a business date stays as it is', () => {
    expect(formatDate('2026-12-03T17:00:00Z')).toBe('2026-12-04');
    expect(formatDate('2026-02-28')).toBe('2026-02-28');
  });

  it('when a count is shown, then with thousands separators', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(undefined)).toBe('—');
  });

  it('when a bill number is shown, then 10 digits with leading zeros, as printed', () => {
    expect(formatBillNo(42)).toBe('0000000042');
    expect(formatBillNo(9999999999)).toBe('9999999999');
    expect(formatBillRange(1, 100)).toBe('0000000001–0000000100');
    expect(formatBillRange(7, 7)).toBe('0000000007');
  });

  it('when a deadline counts down, then hours and minutes, and 已超时 once passed', () => {
    expect(formatCountdown(2 * 3600_000 + 5 * 60_000)).toBe('2 小时 05 分');
    expect(formatCountdown(45 * 60_000 + 30_000)).toBe('45 分');
    expect(formatCountdown(-(70 * 60_000))).toBe('已超时 1 小时 10 分');
    expect(formatCountdown(3 * 86_400_000 + 2 * 3600_000)).toBe('3 天 2 小时');
  });

  it('when 80 % of the time is used, then amber; at the deadline, red', () => {
    const start = '2026-12-04T01:00:00Z';
    const due = '2026-12-04T02:00:00Z';
    expect(deadlineLevel(start, due, new Date('2026-12-04T01:47:00Z'))).toBe('ok');
    expect(deadlineLevel(start, due, new Date('2026-12-04T01:48:00Z'))).toBe('warning');
    expect(deadlineLevel(start, due, new Date('2026-12-04T02:00:00Z'))).toBe('breached');
  });
});
