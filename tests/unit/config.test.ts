import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

describe('config', () => {
  it('when nothing is set, then the embedded defaults apply', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe('sqlite:./data/fiscal-bill-desk.sqlite');
    expect(c.PORT).toBe(3000);
    expect(c.WECOM_REPLAY_WINDOW_S).toBe(600);
    expect(c.DEMO).toBe(false);
  });

  it('when a value is empty, then it counts as unset', () => {
    expect(loadConfig({ NLP_THRESHOLD: '', PORT: ' ' }).PORT).toBe(3000);
  });

  it('when a value is bad, then start-up fails naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ WECOM_AES_KEY: 'short' })).toThrow(/WECOM_AES_KEY/);
    expect(() => loadConfig({ AUTH_SECRET: 'tooshort' })).toThrow(/AUTH_SECRET/);
    expect(() => loadConfig({ ADMIN_USERNAME: 'root' })).toThrow(/ADMIN_PASSWORD/);
  });

  it('when DEMO=1, then demo is on', () => {
    expect(loadConfig({ DEMO: '1' }).DEMO).toBe(true);
  });
});
