import { describe, expect, it } from 'vitest';
import { shanghaiDay, shanghaiTime } from '../../src/bot/dialog/format';

describe('shanghaiTime: instants in Beijing time, whatever the server time zone', () => {
  it('when an instant is given as a Date or as ISO text, then it reads eight hours ahead of UTC', () => {
    expect(shanghaiTime(new Date('2026-03-02T03:00:00Z'))).toBe('2026-03-02 11:00');
    expect(shanghaiTime('2026-03-02T03:00:00.000Z')).toBe('2026-03-02 11:00');
  });

  it('when the UTC evening is already the next day in Beijing, then the date moves on, across a year end too', () => {
    expect(shanghaiTime('2026-12-31T16:30:00Z')).toBe('2027-01-01 00:30');
    expect(shanghaiDay('2026-12-31T16:30:00Z')).toBe('2027-01-01');
    expect(shanghaiDay('2026-12-31T15:59:00Z')).toBe('2026-12-31');
  });

  it('when summer comes, then nothing shifts (Beijing keeps no daylight saving time)', () => {
    expect(shanghaiTime('2026-07-15T00:05:00Z')).toBe('2026-07-15 08:05');
  });

  it('when there is no instant or it is not a real one, then a dash stands in its place', () => {
    expect(shanghaiTime(null)).toBe('—');
    expect(shanghaiTime(undefined)).toBe('—');
    expect(shanghaiTime('')).toBe('—');
    expect(shanghaiTime('not a date')).toBe('—');
  });
});
