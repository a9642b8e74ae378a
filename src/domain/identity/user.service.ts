import type { Clock } from '../clock';
import { pageWindow, type Page } from '../common/pagination';
import type { DomainStore } from '../db/repositories';
import { ConflictError, ForbiddenError, RateLimitedError, UnauthenticatedError } from '../errors';
import { can, permissionsOf, requirePermission, type Permission } from '../policy';
import { type Actor, type Role, systemActor } from './actor';
import type { CreateUserInput, LoginInput, listUsersSchema } from './identity.schemas';
import { LOCK_MINUTES, MAX_FAILED_LOGINS, spendOneVerification, type LoginLimiter } from './login-guard';
import { hashPassword, verifyPassword } from './password';
import type { WecomSenderRow } from './identity.repository';
import type { User } from './user.entity';
import type { SessionCache } from './session-cache';
import type { Directory } from '../catalog/directory';
import type { z } from 'zod';

export interface UserView {
  id: number;
  username: string;
  name: string;
  role: User['role'];
  unitCode: string | null;
  wecomUserId: string | null;
  active: boolean;
  /** Locked by failed passwords until this time (ISO), if it is still in the future. */
  lockedUntil: string | null;
  mustChangePassword: boolean;
}

/** GET /api/v1/me (api.md). */
export interface Me {
  user: { id: number; username: string; name: string; role: Role; unitCode: string | null };
  unit: { code: string; name: string } | null;
  permissions: Permission[];
  /** After an admin's reset: nothing but changing the password is allowed until it is done. */
  mustChangePassword: boolean;
}

/** Who sent a WeCom message: the actor, the names the bot needs, and whether a survey may await their answer. */
export interface WecomSender {
  actor: Actor;
  name: string;
  /** Where WeCom answers reach them; null for a user who talks to the bot only through the API. */
  wecomUserId: string | null;
  unitName: string | null;
  /** A return-visit survey was asked and not yet answered or expired (the desk applies its window). */
  surveyAsked: boolean;
}

/**
 * Whom a message to POST /bot/messages speaks for. `senderId` addresses the conversation (the
 * member's WeCom id, or `user:<id>` for a user without one); `userId` names the sender by account
 * when they are the caller; `caller` is set only when an admin speaks as someone else.
 */
export interface BotSpeaker {
  senderId: string;
  userId?: number;
  caller?: Actor;
}

/** Who a token speaks for (session-cache.ts: served from memory, ended at once by account changes). */
export interface Session {
  actor: Actor;
  mustChangePassword: boolean;
}

/** What a successful login hands to the API, which signs the token. */
export interface LoginOutcome {
  user: UserView;
  actor: Actor;
  tokenVersion: number;
}

/** Fires (outside the login's answer) when an account has just been locked: the owner is told in WeCom. */
export type LockNotice = (user: Pick<User, 'id' | 'username' | 'name' | 'wecomUserId'>, lockedUntil: Date) => Promise<void>;

/** Users, login and the actor behind a token; system management lives in user-admin.service.ts. */
export function makeUserService(deps: {
  store: DomainStore;
  clock: Clock;
  limiter: LoginLimiter;
  onLocked?: LockNotice;
  sessions: Pick<SessionCache, 'user'>;
  directory: Pick<Directory, 'unit'>;
}) {
  const { store, clock } = deps;
  const r = store.read;

  async function view(u: User): Promise<UserView> {
    const unit = u.unitId ? await r.catalog.unitById(u.unitId) : null;
    const locked = u.lockedUntil && u.lockedUntil > clock.now() ? u.lockedUntil.toISOString() : null;
    return {
      id: u.id,
      username: u.username,
      name: u.name,
      role: u.role,
      unitCode: unit?.code ?? null,
      wecomUserId: u.wecomUserId,
      active: u.active,
      lockedUntil: locked,
      mustChangePassword: u.mustChangePassword,
    };
  }

  const toSender = (s: WecomSenderRow | null): WecomSender | null =>
    s && {
      actor: { userId: s.id, username: s.username, role: s.role, unitId: s.unitId, unitCode: s.unitCode },
      name: s.name,
      wecomUserId: s.wecomUserId,
      unitName: s.unitName,
      surveyAsked: s.surveyAsked,
    };

  /** The sender behind a WeCom member id in one query, or null when they are not registered (or inactive). */
  const senderForWecom = async (wecomUserId: string): Promise<WecomSender | null> => toSender(await r.identity.wecomSender(wecomUserId));

  async function toActor(u: User): Promise<Actor> {
    const unit = u.unitId ? await r.catalog.unitById(u.unitId) : null;
    return { userId: u.id, username: u.username, role: u.role, unitId: u.unitId, unitCode: unit?.code ?? null };
  }

  return {
    view,

    /**
     * Checks a username/password. Unknown names, wrong passwords, locked and inactive accounts get
     * the same answer after the same work (one argon2 verification each); five wrong passwords in a
     * row lock the account for 15 minutes, counted in one statement so a burst cannot exceed five checks.
     */
    async login(input: LoginInput, clientKey: string): Promise<LoginOutcome> {
      const now = clock.now();
      const limit = await deps.limiter.attempt(clientKey, now);
      if (!limit.allowed) {
        throw new RateLimitedError('RATE_LIMITED', `登录尝试过于频繁，请 ${Math.max(1, Math.ceil(limit.retryAfterS / 60))} 分钟后再试`, [
          { retryAfterS: limit.retryAfterS },
        ]);
      }
      const refused = new UnauthenticatedError('LOGIN_FAILED', '用户名或密码错误');
      const u = await r.identity.byUsername(input.username);
      const lockUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
      const reserved =
        u?.passwordHash &&
        u.active &&
        (await store.standalone((w) => w.identity.reservePasswordCheck(u.id, now, lockUntil, MAX_FAILED_LOGINS)));
      if (!u?.passwordHash || !reserved) {
        await spendOneVerification(input.password);
        throw refused;
      }
      if (!(await verifyPassword(u.passwordHash, input.password))) {
        // This check may have been the one that locked the account: tell its owner (deduplicated per lock).
        const after = await r.identity.byId(u.id);
        if (after?.lockedUntil && after.lockedUntil > now) await deps.onLocked?.(after, after.lockedUntil);
        throw refused;
      }
      await store.standalone((w) => w.identity.clearLoginFailures(u.id));
      return { user: await view(u), actor: await toActor(u), tokenVersion: u.tokenVersion };
    },

    /** GET /me: who is signed in, their unit and every permission their role carries. */
    async me(actor: Actor): Promise<Me> {
      const u = await r.identity.byId(actor.userId);
      if (!u) throw new UnauthenticatedError('ACCOUNT_INACTIVE', '账号不存在或已停用，请重新登录');
      const unit = u.unitId ? await r.catalog.unitById(u.unitId) : null;
      return {
        user: { id: u.id, username: u.username, name: u.name, role: u.role, unitCode: unit?.code ?? null },
        unit: unit ? { code: unit.code, name: unit.name } : null,
        permissions: permissionsOf(u.role),
        mustChangePassword: u.mustChangePassword,
      };
    },

    /** The session behind a token: the user must be active and the token's version current. */
    async sessionFor(userId: number, tokenVersion: number): Promise<Session> {
      const u = await deps.sessions.user(userId);
      if (!u || !u.active) throw new UnauthenticatedError('ACCOUNT_INACTIVE', '账号不存在或已停用，请重新登录');
      if (u.tokenVersion !== tokenVersion)
        throw new UnauthenticatedError('TOKEN_INVALID', '登录已失效（密码、角色或账号状态已变更），请重新登录');
      const unitCode = u.unitId === null ? null : ((await deps.directory.unit(u.unitId))?.code ?? null);
      const actor: Actor = { userId: u.id, username: u.username, role: u.role, unitId: u.unitId, unitCode };
      return { actor, mustChangePassword: u.mustChangePassword };
    },

    /** Web authorisation inside WeCom: the active account behind a member id, for a cookie session; null when there is none. */
    async webLoginForWecom(wecomUserId: string): Promise<{ userId: number; tokenVersion: number } | null> {
      const u = await r.identity.byWecomId(wecomUserId);
      return u && u.active ? { userId: u.id, tokenVersion: u.tokenVersion } : null;
    },

    /** The actor for a user id (the queue dashboard's cookie); inactive or deleted users are rejected. */
    async actorFor(userId: number): Promise<Actor> {
      const u = await r.identity.byId(userId);
      if (!u || !u.active) throw new UnauthenticatedError('ACCOUNT_INACTIVE', '账号不存在或已停用，请重新登录');
      return toActor(u);
    },

    senderForWecom,

    /** The sender behind a user id (a signed-in user talking to the bot through the API), or null when inactive. */
    senderForUser: async (userId: number): Promise<WecomSender | null> => toSender(await r.identity.senderById(userId)),

    /**
     * Whom the caller's message to the bot speaks for: themselves (by account, so a user without a
     * WeCom id is answered too), or — for an admin testing a member's view — the WeCom member named.
     * Anyone else naming a sender who is not themselves gets 403 and nothing happens.
     */
    async botSpeaker(actor: Actor, senderId?: string): Promise<BotSpeaker> {
      // The account as the request's session already holds it: no statement of its own per message.
      const own = (await deps.sessions.user(actor.userId))?.wecomUserId ?? null;
      if (senderId === undefined || senderId === own) return { senderId: own ?? `user:${actor.userId}`, userId: actor.userId };
      if (!can(actor, 'bot.simulate')) {
        throw new ForbiddenError('PERMISSION_DENIED', '只能以本人身份向机器人发送消息；代其他成员发送仅限系统管理员测试使用');
      }
      return { senderId, caller: actor };
    },

    /** The actor behind a WeCom member id, or null when the sender is not registered. */
    async actorForWecom(wecomUserId: string): Promise<Actor | null> {
      return (await senderForWecom(wecomUserId))?.actor ?? null;
    },

    /** Creates a user (admin only); the password is stored as an argon2id hash. */
    async create(actor: Actor, input: CreateUserInput): Promise<UserView> {
      requirePermission(actor, 'user.manage');
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      const saved = await store.transaction(async (tx) => {
        const unitId = input.unitCode ? (await tx.catalog.unitByCode(input.unitCode)).id : null;
        if (await tx.identity.byUsername(input.username)) throw new ConflictError('DUPLICATE', `用户名 ${input.username} 已存在`);
        if (input.wecomUserId && (await tx.identity.byWecomId(input.wecomUserId))) {
          throw new ConflictError('DUPLICATE', `企业微信账号 ${input.wecomUserId} 已绑定其他用户`);
        }
        const u = await tx.identity.insert(newUser({ ...input, unitId, passwordHash }, clock.now()));
        await tx.audit.record(actor, clock.now(), { action: 'user.create', entityType: 'user', entityId: u.id, after: { ...input } });
        return u;
      });
      return view(saved);
    },

    /** Lists users (admin only). */
    async list(actor: Actor, q: z.infer<typeof listUsersSchema>): Promise<Page<UserView>> {
      requirePermission(actor, 'user.read');
      let unitId: number | undefined;
      if (q.unitCode) {
        const unit = await r.catalog.findUnitByCode(q.unitCode);
        if (!unit) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
        unitId = unit.id;
      }
      const [rows, total] = await r.identity.page({ role: q.role, unitId }, pageWindow(q));
      return { items: await Promise.all(rows.map(view)), total, page: q.page, pageSize: q.pageSize };
    },

    /** Creates the first admin from the environment when no admin exists yet. */
    async ensureAdmin(username: string, password: string): Promise<boolean> {
      if (await r.identity.anyAdmin()) return false;
      const passwordHash = await hashPassword(password);
      return store.transaction(async (tx) => {
        // Checked again under the lock: another process may have created it since the read above.
        await tx.identity.lockBootstrap();
        if (await tx.identity.anyAdmin()) return false;
        const u = await tx.identity.insert(
          newUser({ username, name: '系统管理员', role: 'admin', unitId: null, passwordHash }, clock.now()),
        );
        await tx.audit.record(systemActor, clock.now(), {
          action: 'user.bootstrap-admin',
          entityType: 'user',
          entityId: u.id,
          after: { username },
        });
        return true;
      });
    },
  };
}
export type UserService = ReturnType<typeof makeUserService>;

/** A new user row with the defaults every account starts from. */
export function newUser(
  u: {
    username: string;
    name: string;
    role: Role;
    unitId: number | null;
    passwordHash: string | null;
    wecomUserId?: string;
    phone?: string;
  },
  at: Date,
): Omit<User, 'id'> {
  return {
    username: u.username,
    name: u.name,
    role: u.role,
    unitId: u.unitId,
    wecomUserId: u.wecomUserId ?? null,
    phone: u.phone ?? null,
    passwordHash: u.passwordHash,
    active: true,
    failedLogins: 0,
    lockedUntil: null,
    tokenVersion: 0,
    mustChangePassword: false,
    createdAt: at,
  };
}
