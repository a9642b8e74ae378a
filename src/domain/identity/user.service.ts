import type { Clock } from '../clock';
import { pageWindow, type Page } from '../common/pagination';
import type { DomainStore } from '../db/repositories';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../errors';
import { type Actor, type Role, systemActor } from './actor';
import { permissionsOf, requirePermission, type Permission } from '../policy';
import type { CreateUserInput, LoginInput, listUsersSchema } from './identity.schemas';
import { hashPassword, verifyPassword } from './password';
import type { User } from './user.entity';
import type { z } from 'zod';

const MAX_FAILED_LOGINS = 5;
const LOCK_MINUTES = 15;

export interface UserView {
  id: number;
  username: string;
  name: string;
  role: User['role'];
  unitCode: string | null;
  wecomUserId: string | null;
  active: boolean;
}

/** GET /api/v1/me (api.md). */
export interface Me {
  user: { id: number; username: string; name: string; role: Role; unitCode: string | null };
  unit: { code: string; name: string } | null;
  permissions: Permission[];
}

/** Who sent a WeCom message: the actor, the names the bot needs, and whether a survey may await their answer. */
export interface WecomSender {
  actor: Actor;
  name: string;
  unitName: string | null;
  /** A return-visit survey was asked and not yet answered or expired (the desk applies its window). */
  surveyAsked: boolean;
}

/** Users, login and the actor behind a token. */
export function makeUserService(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;
  const r = store.read;

  async function view(u: User): Promise<UserView> {
    const unit = u.unitId ? await r.catalog.unitById(u.unitId) : null;
    return {
      id: u.id,
      username: u.username,
      name: u.name,
      role: u.role,
      unitCode: unit?.code ?? null,
      wecomUserId: u.wecomUserId,
      active: u.active,
    };
  }

  /** The sender behind a WeCom member id in one query, or null when they are not registered (or inactive). */
  async function senderForWecom(wecomUserId: string): Promise<WecomSender | null> {
    const s = await r.identity.wecomSender(wecomUserId);
    if (!s) return null;
    return {
      actor: { userId: s.id, username: s.username, role: s.role, unitId: s.unitId, unitCode: s.unitCode },
      name: s.name,
      unitName: s.unitName,
      surveyAsked: s.surveyAsked,
    };
  }

  async function toActor(u: User): Promise<Actor> {
    const v = await view(u);
    return { userId: u.id, username: u.username, role: u.role, unitId: u.unitId, unitCode: v.unitCode };
  }

  return {
    /** Checks a username/password; locks the account for 15 minutes after 5 failures. */
    async login(input: LoginInput): Promise<{ user: UserView; actor: Actor }> {
      const u = await r.identity.byUsername(input.username);
      const now = clock.now();
      // The same message for unknown user and wrong password: do not reveal which usernames exist.
      const bad = new UnauthenticatedError('LOGIN_FAILED', '用户名或密码错误');
      if (!u || !u.active || !u.passwordHash) {
        if (!u) await hashPassword(input.password); // equalise timing with the real check
        throw bad;
      }
      if (u.lockedUntil && u.lockedUntil > now) {
        throw new UnauthenticatedError('LOGIN_FAILED', `密码错误次数过多，账号已锁定，请于 ${LOCK_MINUTES} 分钟后再试或联系管理员`);
      }
      if (!(await verifyPassword(u.passwordHash, input.password))) {
        const failed = u.failedLogins + 1;
        const lock = failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null;
        await r.identity.update(u.id, { failedLogins: lock ? 0 : failed, lockedUntil: lock });
        throw bad;
      }
      if (u.failedLogins > 0 || u.lockedUntil) await r.identity.update(u.id, { failedLogins: 0, lockedUntil: null });
      return { user: await view(u), actor: await toActor(u) };
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
      };
    },

    /** The actor for a token's user id; inactive or deleted users are rejected. */
    async actorFor(userId: number): Promise<Actor> {
      const u = await r.identity.byId(userId);
      if (!u || !u.active) throw new UnauthenticatedError('ACCOUNT_INACTIVE', '账号不存在或已停用，请重新登录');
      return toActor(u);
    },

    senderForWecom,

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
        const u = await tx.identity.insert({
          username: input.username,
          name: input.name,
          role: input.role,
          unitId,
          wecomUserId: input.wecomUserId ?? null,
          phone: input.phone ?? null,
          passwordHash,
          active: true,
          failedLogins: 0,
          lockedUntil: null,
          createdAt: clock.now(),
        });
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
      await store.transaction(async (tx) => {
        const u = await tx.identity.insert({
          username,
          name: '系统管理员',
          role: 'admin',
          unitId: null,
          wecomUserId: null,
          phone: null,
          passwordHash,
          active: true,
          failedLogins: 0,
          lockedUntil: null,
          createdAt: clock.now(),
        });
        await tx.audit.record(systemActor, clock.now(), {
          action: 'user.bootstrap-admin',
          entityType: 'user',
          entityId: u.id,
          after: { username },
        });
      });
      return true;
    },
  };
}
export type UserService = ReturnType<typeof makeUserService>;
