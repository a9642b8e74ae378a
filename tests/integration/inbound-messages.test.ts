import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { System } from '../../src/system';
import { startTestSystem } from '../helpers/test-app';

describe('inbound message claims', () => {
  let t: Awaited<ReturnType<typeof startTestSystem>>;
  let store: System['store'];
  const claim = (channel: string, key: string) => store.transaction((tx) => tx.inboundMessages.claim(channel, key, t.clock.now()));

  beforeAll(async () => {
    t = await startTestSystem();
    store = t.system.store;
  });
  afterAll(async () => t?.close());

  it('when WeCom delivers the same MsgId again, then only the first delivery is claimed', async () => {
    expect(await claim('wecom', 'msg-1')).toBe(true);
    expect(await claim('wecom', 'msg-1')).toBe(false);
    expect(await claim('wecom', 'msg-2')).toBe(true);
    expect(await claim('other', 'msg-1')).toBe(true);
  });

  it('when several copies arrive at once, then exactly one is claimed', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => claim('wecom', 'burst-1')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
