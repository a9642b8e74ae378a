import { rawReads } from '../db/raw-reads';
import type { RepoContext } from '../db/store';
import type { Role } from './actor';
import { LoginThrottle } from './login-throttle.entity';
import { User } from './user.entity';

/** An active user who talks to the bot, with their unit and whether a return-visit survey awaits their answer. */
export interface WecomSenderRow {
  id: number;
  username: string;
  name: string;
  wecomUserId: string | null;
  role: Role;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  /** A survey in state `asked` exists (the caller applies the answer window). */
  surveyAsked: boolean;
}

/** Filters of the user list. */
export interface UserFilter {
  role?: Role;
  unitId?: number;
}

// Taken by the first-admin bootstrap, so processes starting together on an empty database create one admin.
const BOOTSTRAP_LOCK_KEY = 7_301_011;

/** Users (accounts of people, with their optional WeCom id). */
export function makeIdentityRepository({ em, dialect }: RepoContext) {
  const reads = rawReads(em, dialect);
  /**
   * One statement for an active sender, their unit and their open-survey flag. Every bot turn
   * starts with it, so it is sent as text (see rawReads): the query builder cost more CPU than
   * the statement itself (bench:bot profile, 2026-12-06).
   */
  async function senderWhere(column: 'id' | 'wecomUserId', value: number | string): Promise<WecomSenderRow | null> {
    const sql = dialect.sql();
    const [row] = await dialect.select(
      em,
      `SELECT u."id", u."username", u."name", u."wecomUserId", u."role", u."unitId", un."code" AS "unitCode", un."name" AS "unitName",
         EXISTS (SELECT 1 FROM "return_visit" rv WHERE rv."userId" = u."id" AND rv."status" = 'asked') AS "surveyAsked"
       FROM "app_user" u LEFT JOIN "unit" un ON un."id" = u."unitId"
       WHERE u."${column}" = ${sql.p(value)} AND u."active" = TRUE`,
      sql.params,
    );
    if (!row) return null;
    return {
      id: Number(row.id),
      username: String(row.username),
      name: String(row.name),
      wecomUserId: (row.wecomUserId as string | null) ?? null,
      role: row.role as Role,
      unitId: row.unitId === null ? null : Number(row.unitId),
      unitCode: (row.unitCode as string | null) ?? null,
      unitName: (row.unitName as string | null) ?? null,
      // PostgreSQL answers EXISTS with a boolean, SQLite with 0 or 1.
      surveyAsked: row.surveyAsked === true || Number(row.surveyAsked) === 1,
    };
  }

  return {
    byId: (id: number): Promise<User | null> => em.findOneBy(User, { id }),
    byUsername: (username: string): Promise<User | null> => em.findOneBy(User, { username }),
    byWecomId: (wecomUserId: string): Promise<User | null> => em.findOneBy(User, { wecomUserId }),
    anyAdmin: (): Promise<User | null> => em.findOneBy(User, { role: 'admin' }),
    /** Serialises the first-admin bootstrap (an advisory lock on PostgreSQL; SQLite has one writer). */
    lockBootstrap: (): Promise<void> => dialect.advisoryLock(em, BOOTSTRAP_LOCK_KEY),
    /** Every WeCom bot turn starts here: the sender behind a WeCom member id. */
    wecomSender: (wecomUserId: string): Promise<WecomSenderRow | null> => senderWhere('wecomUserId', wecomUserId),
    /** The same for a signed-in user talking to the bot through the API (who may have no WeCom id). */
    senderById: (id: number): Promise<WecomSenderRow | null> => senderWhere('id', id),
    /** Display names of users by id (transition and ticket timelines). */
    async namesByIds(ids: number[]): Promise<Map<number, string>> {
      if (ids.length === 0) return new Map();
      const rows = await em.createQueryBuilder(User, 'u').select(['u.id', 'u.name']).where('u.id IN (:...ids)', { ids }).getMany();
      return new Map(rows.map((u) => [u.id, u.name]));
    },
    /** Active users of a role, oldest first: who receives a push (only `withWecomId`), optionally of some units. */
    activeWithRole(role: Role, f: { unitIds?: number[]; withWecomId?: boolean } = {}): Promise<User[]> {
      if (f.unitIds?.length === 0) return Promise.resolve([]);
      // Every submission asks it (who reviews from WeCom): a plain statement (see rawReads).
      return reads.rows(User, (sql) => {
        const where = [`"role" = ${sql.p(role)}`, `"active" = TRUE`];
        if (f.unitIds) where.push(`"unitId" IN (${sql.list(f.unitIds)})`);
        if (f.withWecomId) where.push(`"wecomUserId" IS NOT NULL`);
        return `WHERE ${where.join(' AND ')} ORDER BY "id"`;
      });
    },
    async insert(values: Omit<User, 'id'>): Promise<User> {
      return em.save(em.create(User, values));
    },
    async update(id: number, patch: Partial<Omit<User, 'id'>>): Promise<void> {
      await em.update(User, id, patch);
    },
    /** Active admins other than `exceptId` (the last active admin may not be removed or demoted). */
    otherActiveAdmins: (exceptId: number): Promise<number> =>
      em.createQueryBuilder(User, 'u').where("u.role = 'admin' AND u.active = :t AND u.id <> :id", { t: true, id: exceptId }).getCount(),

    /**
     * Takes one password check for a user, in one statement: refused while the account is locked;
     * the `max`-th check in a row locks it until `lockUntil` at once (a correct password then
     * unlocks it). So however many wrong passwords arrive at the same moment, at most `max` are checked.
     */
    async reservePasswordCheck(id: number, now: Date, lockUntil: Date, max: number): Promise<boolean> {
      // Placeholders are bound in the order they are written (SQLite's ? is positional).
      const sql = dialect.sql();
      const nowIso = now.toISOString();
      const text = `UPDATE "app_user" SET
          "failedLogins" = CASE WHEN "lockedUntil" IS NOT NULL AND "lockedUntil" <= ${sql.p(nowIso)} THEN 1 ELSE "failedLogins" + 1 END,
          "lockedUntil" = CASE WHEN "lockedUntil" IS NOT NULL AND "lockedUntil" <= ${sql.p(nowIso)} THEN NULL
                               WHEN "failedLogins" + 1 >= ${sql.p(max)} THEN ${sql.p(lockUntil.toISOString())} ELSE "lockedUntil" END
        WHERE "id" = ${sql.p(id)} AND "active" = ${sql.p(true)}
          AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${sql.p(nowIso)})`;
      return (await dialect.execute(em, text, sql.params)) === 1;
    },

    /** A correct password (or an admin's unlock): the failure count and the lock are cleared. */
    async clearLoginFailures(id: number): Promise<void> {
      await em.update(User, id, { failedLogins: 0, lockedUntil: null });
    },

    /**
     * The database's count of login attempts from one client address in the current window, after
     * adding this one (the fallback while Redis is down). One upsert, then one read.
     */
    async countThrottled(key: string, now: Date, windowMs: number): Promise<{ count: number; windowStart: Date }> {
      const sql = dialect.sql();
      const nowIso = now.toISOString();
      const expired = new Date(now.getTime() - windowMs).toISOString();
      await dialect.execute(
        em,
        `INSERT INTO "login_throttle" ("key", "windowStart", "count") VALUES (${sql.p(key)}, ${sql.p(nowIso)}, 1)
         ON CONFLICT ("key") DO UPDATE SET
           "count" = CASE WHEN "login_throttle"."windowStart" <= ${sql.p(expired)} THEN 1 ELSE "login_throttle"."count" + 1 END,
           "windowStart" = CASE WHEN "login_throttle"."windowStart" <= ${sql.p(expired)} THEN ${sql.p(nowIso)} ELSE "login_throttle"."windowStart" END`,
        sql.params,
      );
      const row = await em.findOneByOrFail(LoginThrottle, { key });
      return { count: row.count, windowStart: row.windowStart };
    },

    page: (f: UserFilter, window: { skip: number; take: number }): Promise<[User[], number]> =>
      em.findAndCount(User, {
        where: { ...(f.role ? { role: f.role } : {}), ...(f.unitId !== undefined ? { unitId: f.unitId } : {}) },
        order: { id: 'ASC' },
        ...window,
      }),
  };
}
export type IdentityRepository = ReturnType<typeof makeIdentityRepository>;
