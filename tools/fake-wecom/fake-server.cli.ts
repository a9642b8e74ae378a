import { cliArgs, defineCli, parseCli, type FlagValues } from '../../src/cli/args';
import { startFakeWecom, type FakeWecom } from './fake-server';

// Demo defaults only: this server is a local stand-in and guards nothing real.
const DEMO_AES_KEY = 'Edac9PjCWW92zBOehjFDIGE6I5qOG4Vc6EwIIgVa8L0';

export const FAKE_WECOM_CLI = defineCli({
  name: 'fake-wecom',
  usage: 'npm run fake-wecom -- [options]',
  about:
    'Starts the fake WeCom server on 127.0.0.1 for local runs and prints the WECOM_* settings that point the app at it. ' +
    'Each flag falls back to its FAKE_WECOM_* environment variable, then to the default.',
  flags: {
    port: {
      type: 'integer',
      value: '<port>',
      default: 8090,
      max: 65535,
      env: 'FAKE_WECOM_PORT',
      help: 'port to listen on (0 = any free port)',
    },
    'corp-id': { type: 'string', value: '<id>', default: 'wwfakecorp0001', env: 'FAKE_WECOM_CORP_ID', help: 'CorpID (WECOM_CORP_ID)' },
    secret: { type: 'string', value: '<secret>', default: 'fake-secret', env: 'FAKE_WECOM_SECRET', help: 'app secret (WECOM_SECRET)' },
    'agent-id': { type: 'string', value: '<id>', default: '1000002', env: 'FAKE_WECOM_AGENT_ID', help: 'AgentID (WECOM_AGENT_ID)' },
    token: { type: 'string', value: '<token>', default: 'fakeToken123', env: 'FAKE_WECOM_TOKEN', help: 'callback Token (WECOM_TOKEN)' },
    'aes-key': {
      type: 'string',
      value: '<key>',
      default: DEMO_AES_KEY,
      env: 'FAKE_WECOM_AES_KEY',
      help: 'callback EncodingAESKey, 43 characters (WECOM_AES_KEY)',
    },
    'robot-key': {
      type: 'string',
      value: '<key>',
      default: 'fake-robot-key',
      env: 'FAKE_WECOM_ROBOT_KEY',
      help: 'group robot webhook key (WECOM_ROBOT_KEY)',
    },
  },
});

/** Starts the fake server from command-line flags (exported for tests); throws on a bad flag. */
export async function startFakeWecomFromArgs(argv: string[], env: NodeJS.ProcessEnv): Promise<FakeWecom> {
  const r = parseCli(FAKE_WECOM_CLI, argv, env);
  if (r.kind !== 'run') throw new Error(r.kind === 'error' ? r.message : 'help requested');
  return start(r.values);
}

function start(v: FlagValues<typeof FAKE_WECOM_CLI.flags>): Promise<FakeWecom> {
  return startFakeWecom({
    port: v.port,
    corpId: v['corp-id'],
    corpSecret: v.secret,
    agentId: v['agent-id'],
    token: v.token,
    encodingAESKey: v['aes-key'],
    robotKeys: [v['robot-key']],
  });
}

async function main(): Promise<void> {
  const { values } = cliArgs(FAKE_WECOM_CLI);
  const fake = await start(values);
  const c = fake.config;
  process.stdout.write(
    [
      `fake WeCom listening on ${fake.url}`,
      'Use these settings for the app:',
      `WECOM_API_BASE=${fake.url}`,
      `WECOM_OAUTH_BASE=${fake.url}`,
      `WECOM_CORP_ID=${c.corpId}`,
      `WECOM_SECRET=${c.corpSecret}`,
      `WECOM_AGENT_ID=${c.agentId}`,
      `WECOM_TOKEN=${c.token}`,
      `WECOM_AES_KEY=${c.encodingAESKey}`,
      `WECOM_ROBOT_KEY=${values['robot-key']}`,
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

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`fake WeCom failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
