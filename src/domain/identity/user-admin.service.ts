import { randomInt } from 'node:crypto';
import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import { ConflictError, NotFoundError, UnauthenticatedError, ValidationError } from '../errors';
import { requirePermission } from '../policy';
import type { Actor } from './actor';
import type { ChangePasswordInput, UpdateUserInput } from './identity.schemas';
import { hashPassword, verifyPassword } from './password';
import { passwordProblem } from './password-policy';
import type { SessionCache } from './session-cache';
import type { User } from './user.entity';
import type { UserService, UserView } from './user.service';

// Letters and digits without look-alikes (0/O, 1/l/I): a temporary password is read out or typed from a note.
const TEMP_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A temporary password that meets the policy (12 characters, letters and digits, not common). */
function temporaryPassword(username: string): string {
  for (;;) {
    const p = Array.from({ length: 12 }, () => TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)]).join('');
    if (!passwordProblem(p, username)) return p;
  }
}

/** What an audit row shows of a user: never the hash. */
const auditable = (u: User) => ({
  name: u.name,
  role: u.role,
  unitId: u.unitId,
  wecomUserId: u.wecomUserId,
  phone: u.phone,
  active: u.active,
});

/**
 * 系统管理: an admin changes a user's name, role, unit, WeCom id and active flag, resets a password
 * or unlocks an account; anyone changes their own password. Deactivation, a role or unit change and
 * every password change raise the token version, which ends the user's existing sessions at once.
 */
export function makeUserAdminService(deps: {
  store: DomainStore;
  clock: Clock;
  users: Pick<UserService, 'view'>;
  sessions: Pick<SessionCache, 'changedIn' | 'invalidate'>;
}) {
  const { store, clock, users, sessions } = deps;
  /** Every account change goes through here: it ends the sessions cached in every process (session-cache.ts). */
  async function updateUser(tx: Repositories, id: number, patch: Partial<Omit<User, 'id'>>): Promise<void> {
    await tx.identity.update(id, patch);
    await sessions.changedIn(tx);
  }
  /** Runs an account change; once it has committed, this process's cached sessions go at once. */
  async function changing<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    const result = await store.transaction(work);
    sessions.invalidate();
    return result;
  }

  async function load(tx: Repositories, id: number): Promise<User> {
    const u = await tx.identity.byId(id);
    if (!u) throw new NotFoundError('USER_NOT_FOUND', `用户 ${id} 不存在`);
    return u;
  }

  /** The last active admin may be neither deactivated nor given another role. */
  async function keepAnAdmin(tx: Repositories, u: User, next: { role: User['role']; active: boolean }): Promise<void> {
    const stillAdmin = next.role === 'admin' && next.active;
    if (u.role === 'admin' && u.active && !stillAdmin && (await tx.identity.otherActiveAdmins(u.id)) === 0) {
      throw new ConflictError(
        'LAST_ADMIN',
        `${u.name}（${u.username}）是最后一位在用的管理员，不能停用或改为其他角色；请先指定另一位管理员`,
      );
    }
  }

  return {
    /** PATCH /users/:id. */
    async update(actor: Actor, id: number, input: UpdateUserInput): Promise<UserView> {
      requirePermission(actor, 'user.manage');
      const saved = await changing(async (tx) => {
        const u = await load(tx, id);
        const role = input.role ?? u.role;
        const active = input.active ?? u.active;
        let unitId = u.unitId;
        if (input.unitCode !== undefined) unitId = input.unitCode === null ? null : (await tx.catalog.unitByCode(input.unitCode)).id;
        if (role !== 'unit_staff') unitId = input.unitCode ? unitId : null;
        if (role === 'unit_staff' && unitId === null)
          throw new ValidationError('INVALID_INPUT', '单位人员必须指定所属单位', [{ path: 'unitCode', message: '请选择所属单位' }]);
        if (role !== 'unit_staff' && input.unitCode)
          throw new ValidationError('INVALID_INPUT', '只有单位人员可以指定所属单位', [{ path: 'unitCode', message: '该角色不属于单位' }]);
        if (input.wecomUserId) {
          const other = await tx.identity.byWecomId(input.wecomUserId);
          if (other && other.id !== u.id) throw new ConflictError('DUPLICATE', `企业微信账号 ${input.wecomUserId} 已绑定其他用户`);
        }
        await keepAnAdmin(tx, u, { role, active });
        const endsSessions = role !== u.role || active !== u.active || unitId !== u.unitId;
        const patch: Partial<User> = {
          name: input.name ?? u.name,
          role,
          unitId,
          active,
          wecomUserId: input.wecomUserId === undefined ? u.wecomUserId : input.wecomUserId,
          phone: input.phone === undefined ? u.phone : input.phone,
          tokenVersion: endsSessions ? u.tokenVersion + 1 : u.tokenVersion,
        };
        await updateUser(tx, u.id, patch);
        const after = { ...u, ...patch };
        await tx.audit.record(actor, clock.now(), {
          action: 'user.update',
          entityType: 'user',
          entityId: u.id,
          before: auditable(u),
          after: auditable(after),
        });
        return after;
      });
      return users.view(saved);
    },

    /** POST /users/:id/reset-password: a temporary password, to be replaced at the next login. */
    async resetPassword(actor: Actor, id: number): Promise<{ temporaryPassword: string }> {
      requirePermission(actor, 'user.manage');
      const u0 = await store.read.identity.byId(id);
      if (!u0) throw new NotFoundError('USER_NOT_FOUND', `用户 ${id} 不存在`);
      const plain = temporaryPassword(u0.username);
      const passwordHash = await hashPassword(plain);
      await changing(async (tx) => {
        const u = await load(tx, id);
        await updateUser(tx, u.id, {
          passwordHash,
          mustChangePassword: true,
          failedLogins: 0,
          lockedUntil: null,
          tokenVersion: u.tokenVersion + 1,
        });
        await tx.audit.record(actor, clock.now(), {
          action: 'user.reset-password',
          entityType: 'user',
          entityId: u.id,
          after: { mustChangePassword: true },
        });
      });
      return { temporaryPassword: plain };
    },

    /** POST /users/:id/unlock: clears the failed-password lock. */
    async unlock(actor: Actor, id: number): Promise<UserView> {
      requirePermission(actor, 'user.manage');
      const u = await store.transaction(async (tx) => {
        const row = await load(tx, id);
        await tx.identity.clearLoginFailures(row.id);
        await tx.audit.record(actor, clock.now(), {
          action: 'user.unlock',
          entityType: 'user',
          entityId: row.id,
          before: { failedLogins: row.failedLogins, lockedUntil: row.lockedUntil },
          after: { failedLogins: 0, lockedUntil: null },
        });
        return { ...row, failedLogins: 0, lockedUntil: null };
      });
      return users.view(u);
    },

    /** POST /auth/change-password: one's own; ends the other sessions and returns the new token version. */
    async changePassword(actor: Actor, input: ChangePasswordInput): Promise<{ tokenVersion: number }> {
      const u0 = await store.read.identity.byId(actor.userId);
      if (!u0?.passwordHash || !(await verifyPassword(u0.passwordHash, input.oldPassword))) {
        throw new UnauthenticatedError('LOGIN_FAILED', '原密码不正确');
      }
      const problem = passwordProblem(input.newPassword, u0.username);
      if (problem) throw new ValidationError('INVALID_INPUT', problem, [{ path: 'newPassword', message: problem }]);
      if (await verifyPassword(u0.passwordHash, input.newPassword)) {
        throw new ValidationError('INVALID_INPUT', '新密码不能与原密码相同', [{ path: 'newPassword', message: '新密码不能与原密码相同' }]);
      }
      const passwordHash = await hashPassword(input.newPassword);
      return changing(async (tx) => {
        const u = await load(tx, actor.userId);
        const tokenVersion = u.tokenVersion + 1;
        await updateUser(tx, u.id, { passwordHash, mustChangePassword: false, tokenVersion });
        await tx.audit.record(actor, clock.now(), { action: 'user.change-password', entityType: 'user', entityId: u.id });
        return { tokenVersion };
      });
    },
  };
}
export type UserAdminService = ReturnType<typeof makeUserAdminService>;
