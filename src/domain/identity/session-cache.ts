import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import { randomUUID } from 'node:crypto';
import { makeChangeWatch } from '../settings/change-watch';
import type { User } from './user.entity';

/** The settings key every change to an account rewrites in its transaction (user-admin.service.ts). */
export const SESSIONS_VERSION_KEY = 'identity.sessions-version';
/** Accounts kept; past it the cache starts again (a bureau has a few thousand accounts). */
const MAX_USERS = 20_000;

/** What a request's session needs of its account. */
export type SessionUser = Pick<
  User,
  'id' | 'username' | 'role' | 'unitId' | 'wecomUserId' | 'active' | 'tokenVersion' | 'mustChangePassword'
>;

/** Accounts behind tokens, served from memory; see makeSessionCache. */
export interface SessionCache {
  user(id: number): Promise<SessionUser | null>;
  /** The account changes `tx` makes end the sessions cached in every process (call inside the transaction). */
  changedIn(tx: Repositories): Promise<void>;
  /** After such a transaction commits: this process drops its copies at once. */
  invalidate(): void;
}

/**
 * Every authenticated request asks whether its account is still active and its token version
 * current. Reading the account each time was half of a short request's statements; the cache keeps
 * it in memory. A change made through this process (deactivation, a new role or unit, a password
 * change or reset) ends the cached sessions at once; one made by another process reaches this one
 * within a second (change-watch.ts). Revocation is therefore immediate where it was made and at
 * most a second late elsewhere — the same bound the directory gives the bot.
 */
export function makeSessionCache(deps: { store: DomainStore; clock: Clock }): SessionCache {
  const users = new Map<number, Promise<SessionUser | null>>();
  const watch = makeChangeWatch(deps, SESSIONS_VERSION_KEY);
  const drop = () => users.clear();
  const load = async (id: number): Promise<SessionUser | null> => {
    const u = await deps.store.read.identity.byId(id);
    return (
      u && {
        id: u.id,
        username: u.username,
        role: u.role,
        unitId: u.unitId,
        wecomUserId: u.wecomUserId,
        active: u.active,
        tokenVersion: u.tokenVersion,
        mustChangePassword: u.mustChangePassword,
      }
    );
  };
  return {
    async user(id) {
      await watch.sync(drop);
      let found = users.get(id);
      if (!found) {
        if (users.size >= MAX_USERS) users.clear();
        found = load(id);
        users.set(id, found);
        // An unknown id or a failed read is asked again next time.
        found.then(
          (u) => u ?? users.delete(id),
          () => users.delete(id),
        );
      }
      return found;
    },
    changedIn: (tx) => tx.settings.set(SESSIONS_VERSION_KEY, randomUUID()),
    invalidate() {
      drop();
      watch.recheck();
    },
  };
}
