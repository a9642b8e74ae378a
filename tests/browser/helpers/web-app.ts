import { join } from 'node:path';
import { systemActor, type Role } from '../../../src/domain/identity/actor';
import { startFakeWecom, type FakeWecom } from '../../../tools/fake-wecom/fake-server';
import { startTestApp, type TestApp } from '../../helpers/test-app';

/** The built workbench (vitest's globalSetup builds it when missing or older than web/). */
export const WEB_DIST = join(__dirname, '../../../dist/web');
export const PASSWORD = 'Passw0rd123';

const corp = { corpId: 'wwbrowsercorp', corpSecret: 'browser-secret-value-01', agentId: '1000011' };

export interface WebApp extends TestApp {
  fake: FakeWecom;
  /** Creates an account (password PASSWORD); `wecomUserId` defaults to the username, and the member is known to the fake WeCom. */
  user(role: Role, username: string, opts?: { name?: string; unitCode?: string }): Promise<void>;
}

/**
 * The real system serving the real build, with WeCom configured against the fake server (its
 * authorise page picks the member), over a fresh database on the suite's engine.
 */
export async function startWebApp(opts: { now?: string } = {}): Promise<WebApp> {
  const fake = await startFakeWecom({ ...corp, robotKeys: [], members: [] });
  // The fake's member list is filled as users are created (user() below).
  const t = await startTestApp({
    // The browser keeps real time: the app's clock starts at now (cookies and tokens agree with it).
    now: opts.now ?? new Date().toISOString(),
    env: {
      WEB_DIR: WEB_DIST,
      WECOM_CORP_ID: corp.corpId,
      WECOM_SECRET: corp.corpSecret,
      WECOM_AGENT_ID: corp.agentId,
      WECOM_API_BASE: fake.url,
      WECOM_OAUTH_BASE: fake.url,
    },
  });
  const user: WebApp['user'] = async (role, username, o = {}) => {
    await t.services.users.create(systemActor, {
      username,
      name: o.name ?? username,
      role,
      unitCode: o.unitCode,
      wecomUserId: username,
      password: PASSWORD,
    });
    fake.addMember(username);
  };
  return {
    ...t,
    fake,
    user,
    close: async () => {
      await t.close();
      await fake.stop();
    },
  };
}
