import { describe, expect, it } from 'vitest';
import { fromAlertmanager, fromGeneric } from '../../src/domain/monitoring/alert-intake';
import { downtimeText, truncateBytes } from '../../src/domain/monitoring/alert-notices';
import { alertPriority, faultTicketInput } from '../../src/domain/monitoring/fault-ticket';
import { DEFAULT_FLAP, flapChange, settlesAt } from '../../src/domain/monitoring/flap';

const MIN = 60_000;
const t0 = Date.parse('2026-03-02T02:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * MIN);

describe('flap damping', () => {
  it('when a key changes state 4 times in 30 minutes, then it is not flapping; the 5th change makes it flap', () => {
    let inc = { changes: [] as string[], flapping: false };
    for (const m of [0, 5, 10, 15]) inc = flapChange(inc, at(m), DEFAULT_FLAP);
    expect(inc).toMatchObject({ flapping: false });
    expect(inc.changes).toHaveLength(4);
    const fifth = flapChange(inc, at(20), DEFAULT_FLAP);
    expect(fifth).toMatchObject({ flapping: true, lastChangeAt: at(20) });
  });

  it('when older changes leave the 30-minute window, then they no longer count', () => {
    let inc = { changes: [] as string[], flapping: false };
    for (const m of [0, 5, 10, 15, 31]) inc = flapChange(inc, at(m), DEFAULT_FLAP);
    expect(inc.flapping).toBe(false);
    expect(inc.changes).toEqual([at(5), at(10), at(15), at(31)].map((d) => d.toISOString()));
  });

  it('when a flapping key changes again, then it stays flapping until it settles', () => {
    const again = flapChange({ changes: [], flapping: true }, at(0), DEFAULT_FLAP);
    expect(again.flapping).toBe(true);
  });

  it('when a flapping key has been quiet for 15 minutes, then it settles; a key that is not flapping never does', () => {
    expect(settlesAt({ flapping: true, lastChangeAt: at(0) }, at(14), DEFAULT_FLAP)).toBe(false);
    expect(settlesAt({ flapping: true, lastChangeAt: at(0) }, at(15), DEFAULT_FLAP)).toBe(true);
    expect(settlesAt({ flapping: false, lastChangeAt: at(0) }, at(60), DEFAULT_FLAP)).toBe(false);
  });

  it('when the policy is tightened, then fewer changes make a key flap', () => {
    const strict = { ...DEFAULT_FLAP, maxChanges: 1 };
    const once = flapChange({ changes: [], flapping: false }, at(0), strict);
    expect(flapChange(once, at(1), strict).flapping).toBe(true);
  });
});

describe('alert notices and fault tickets', () => {
  it('when a downtime is shown, then it reads in minutes, hours and days', () => {
    expect(downtimeText(30_000)).toBe('不足 1 分钟');
    expect(downtimeText(12 * MIN)).toBe('12 分钟');
    expect(downtimeText(125 * MIN)).toBe('2 小时 5 分钟');
    expect(downtimeText(120 * MIN)).toBe('2 小时');
    expect(downtimeText(27 * 60 * MIN)).toBe('1 天 3 小时');
    expect(downtimeText(-5)).toBe('不足 1 分钟');
  });

  it('when a text is cut to a byte limit, then no character is split and it ends with …', () => {
    const s = '告警'.repeat(10);
    const cut = truncateBytes(s, 20);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(20);
    expect(cut.endsWith('…')).toBe(true);
    expect(truncateBytes('short', 20)).toBe('short');
  });

  it('when an alert opens a ticket, then critical is urgent, anything else high, and the ticket carries the alert', () => {
    expect(alertPriority('critical')).toBe('urgent');
    expect(alertPriority('warning')).toBe('high');
    const input = faultTicketInput({ key: 'k', source: 'bill', severity: 'info', title: '开票慢', detail: '超时', labels: { a: 'b' } });
    expect(input).toMatchObject({
      source: 'alert',
      category: 'fault',
      priority: 'high',
      reporterName: '监控告警',
      question: '【故障告警】开票慢：超时',
      meta: { alertKey: 'k', alertSource: 'bill', severity: 'info', labels: { a: 'b' } },
    });
  });

  it('when alerts arrive, then generic ones are keyed by key or source and title, Alertmanager ones by fingerprint or a label hash', () => {
    expect(
      fromGeneric({ status: 'firing', source: 'bill', severity: 'critical', title: '开票失败', detail: '', labels: {} } as never).alert.key,
    ).toBe('alert:bill:开票失败');
    const body = {
      version: '4',
      status: 'firing',
      commonLabels: { severity: 'page' },
      commonAnnotations: { summary: '磁盘将满' },
      alerts: [
        { status: 'firing', labels: { instance: 'db1' }, annotations: {}, startsAt: '0001-01-01T00:00:00Z', fingerprint: 'abc' },
        { status: 'resolved', labels: { instance: 'db2' }, annotations: {}, startsAt: '2026-03-02T01:00:00Z' },
      ],
    };
    const [a, b] = fromAlertmanager(body as never);
    expect(a.alert).toMatchObject({ key: 'am:abc', severity: 'critical', title: '磁盘将满（db1）', startedAt: undefined });
    expect(b.status).toBe('resolved');
    expect(b.alert.key).toMatch(/^am:[0-9a-f]{16}$/);
    expect(b.alert.startedAt).toEqual(new Date('2026-03-02T01:00:00Z'));
  });
});
