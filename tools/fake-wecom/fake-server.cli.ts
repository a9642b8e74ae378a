import { startFakeWecom } from './fake-server';

// Demo defaults only: this server is a local stand-in and guards nothing real.
const DEMO_AES_KEY = 'Edac9PjCWW92zBOehjFDIGE6I5qOG4Vc6EwIIgVa8L0';

/** Starts the fake WeCom server for local runs and prints the WECOM_* values to point the app at it. */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const port = Number(env.FAKE_WECOM_PORT ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('FAKE_WECOM_PORT must be a port number');
  const corpId = env.FAKE_WECOM_CORP_ID ?? 'wwfakecorp0001';
  const corpSecret = env.FAKE_WECOM_SECRET ?? 'fake-secret';
  const agentId = env.FAKE_WECOM_AGENT_ID ?? '1000002';
  const token = env.FAKE_WECOM_TOKEN ?? 'fakeToken123';
  const encodingAESKey = env.FAKE_WECOM_AES_KEY ?? DEMO_AES_KEY;
  const robotKey = env.FAKE_WECOM_ROBOT_KEY ?? 'fake-robot-key';

  const fake = await startFakeWecom({ port, corpId, corpSecret, agentId, token, encodingAESKey, robotKeys: [robotKey] });
  process.stdout.write(
    [
      `fake WeCom listening on ${fake.url}`,
      'Use these settings for the app:',
      `WECOM_API_BASE=${fake.url}`,
      `WECOM_CORP_ID=${corpId}`,
      `WECOM_SECRET=${corpSecret}`,
      `WECOM_AGENT_ID=${agentId}`,
      `WECOM_TOKEN=${token}`,
      `WECOM_AES_KEY=${encodingAESKey}`,
      `WECOM_ROBOT_KEY=${robotKey}`,
      '',
    ].join('\n'),
  );

  const logEvery = setInterval(() => {
    const r = fake.received;
    process.stdout.write(
      `received: ${r.messages.length} app messages, ${r.robot.length} robot messages, ` +
        `${r.rejected.length} rejected, ${r.dropped.length} dropped, ${r.tokenRequests} token requests\n`,
    );
  }, 30_000);
  logEvery.unref();

  const shutdown = () => {
    clearInterval(logEvery);
    void fake.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main(process.env).catch((err: unknown) => {
  process.stderr.write(`fake WeCom failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
