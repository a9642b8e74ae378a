import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { Unit } from '../catalog/unit.entity';
import type { Clock } from '../clock';
import { pageWindow, type Page } from '../common/pagination';
import { inTransaction } from '../db/transaction';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../errors';
import { type Actor, type Role, systemActor } from './actor';
import { permissionsOf, requirePermission, type Permission } from '../policy';
import type { CreateUserInput, LoginInput, listUsersSchema } from './identity.schemas';
import { hashPassword, verifyPassword } from './password';
import { User } from './user.entity';
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

/** Users, login and the actor behind a token. */
export function makeUserService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  const users = () => ds.getRepository(User);

  async function view(u: User): Promise<UserView> {
    const unit = u.unitId ? await ds.getRepository(Unit).findOneBy({ id: u.unitId }) : null;
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

  async function toActor(u: User): Promise<Actor> {
    const v = await view(u);
    return { userId: u.id, username: u.username, role: u.role, unitId: u.unitId, unitCode: v.unitCode };
  }

  return {
    /** Checks a username/password; locks the account for 15 minutes after 5 failures. */
    async login(input: LoginInput): Promise<{ user: UserView; actor: Actor }> {
      const u = await users().findOneBy({ username: input.username });
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
        await users().update(u.id, { failedLogins: lock ? 0 : failed, lockedUntil: lock });
        throw bad;
      }
      if (u.failedLogins > 0 || u.lockedUntil) await users().update(u.id, { failedLogins: 0, lockedUntil: null });
      return { user: await view(u), actor: await toActor(u) };
    },

    /** GET /me: who is signed in, their unit and every permission their role carries. */
    async me(actor: Actor): Promise<Me> {
      const u = await users().findOneByOrFail({ id: actor.userId });
      const unit = u.unitId ? await ds.getRepository(Unit).findOneBy({ id: u.unitId }) : null;
      return {
        user: { id: u.id, username: u.username, name: u.name, role: u.role, unitCode: unit?.code ?? null },
        unit: unit ? { code: unit.code, name: unit.name } : null,
        permissions: permissionsOf(u.role),
      };
    },

    /** The actor for a token's user id; inactive or deleted users are rejected. */
    async actorFor(userId: number): Promise<Actor> {
      const u = await users().findOneBy({ id: userId });
      if (!u || !u.active) throw new UnauthenticatedError('ACCOUNT_INACTIVE', '账号不存在或已停用，请重新登录');
      return toActor(u);
    },

    /** The actor behind a WeCom member id, or null when the sender is not registered. */
    async actorForWecom(wecomUserId: string): Promise<Actor | null> {
      const u = await users().findOneBy({ wecomUserId, active: true });
      return u ? toActor(u) : null;
    },

    /** Creates a user (admin only); the password is stored as an argon2id hash. */
    async create(actor: Actor, input: CreateUserInput): Promise<UserView> {
      requirePermission(actor, 'user.manage');
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      const saved = await inTransaction(ds, async (em) => {
        let unitId: number | null = null;
        if (input.unitCode) {
          const unit = await em.findOneBy(Unit, { code: input.unitCode });
          if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', `单位 ${input.unitCode} 不存在`);
          unitId = unit.id;
        }
        if (await em.findOneBy(User, { username: input.username })) throw new ConflictError('DUPLICATE', `用户名 ${input.username} 已存在`);
        if (input.wecomUserId && (await em.findOneBy(User, { wecomUserId: input.wecomUserId }))) {
          throw new ConflictError('DUPLICATE', `企业微信账号 ${input.wecomUserId} 已绑定其他用户`);
        }
        const u = em.create(User, {
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
        await em.save(u);
        await recordAudit(em, actor, clock.now(), { action: 'user.create', entityType: 'user', entityId: u.id, after: { ...input } });
        return u;
      });
      return view(saved);
    },

    /** Lists users (admin only). */
    async list(actor: Actor, q: z.infer<typeof listUsersSchema>): Promise<Page<UserView>> {
      requirePermission(actor, 'user.read');
      const where: Record<string, unknown> = {};
      if (q.role) where.role = q.role;
      if (q.unitCode) {
        const unit = await ds.getRepository(Unit).findOneBy({ code: q.unitCode });
        if (!unit) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
        where.unitId = unit.id;
      }
      const [rows, total] = await users().findAndCount({ where, order: { id: 'ASC' }, ...pageWindow(q) });
      return { items: await Promise.all(rows.map(view)), total, page: q.page, pageSize: q.pageSize };
    },

    /** Creates the first admin from the environment when no admin exists yet. */
    async ensureAdmin(username: string, password: string): Promise<boolean> {
      if (await users().findOneBy({ role: 'admin' })) return false;
      await inTransaction(ds, async (em) => {
        const u = em.create(User, {
          username,
          name: '系统管理员',
          role: 'admin',
          unitId: null,
          wecomUserId: null,
          phone: null,
          passwordHash: await hashPassword(password),
          active: true,
          failedLogins: 0,
          lockedUntil: null,
          createdAt: clock.now(),
        });
        await em.save(u);
        await recordAudit(em, systemActor, clock.now(), {
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
