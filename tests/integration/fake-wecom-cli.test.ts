import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeWecom } from '../../tools/fake-wecom/fake-server';
import { startFakeWecomFromArgs } from '../../tools/fake-wecom/fake-server.cli';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('npm run fake-wecom flags', () => {
  let fake: FakeWecom | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  it('when --port and the credentials are given, then the server listens there and shares those credentials', async () => {
    const port = await freePort();
    fake = await startFakeWecomFromArgs(['--port', String(port), '--corp-id', 'wwcli', '--token', 'tok', '--agent-id', '42'], {
      FAKE_WECOM_PORT: '1',
    });
    expect(fake.url).toBe(`http://127.0.0.1:${port}`);
    const shared = (await (await fetch(`${fake.url}/_fake/callback-config`)).json()) as Record<string, string>;
    expect(shared).toMatchObject({ corpId: 'wwcli', token: 'tok', agentId: '42' });
  });

  it('when only FAKE_WECOM_PORT is set, then the server listens on it', async () => {
    const port = await freePort();
    fake = await startFakeWecomFromArgs([], { FAKE_WECOM_PORT: String(port) });
    expect(fake.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('when a flag is unknown, then it does not start', async () => {
    await expect(startFakeWecomFromArgs(['--prot', '8091'], {})).rejects.toThrow("unknown option '--prot'");
  });
});
