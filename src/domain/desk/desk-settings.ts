import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import { ValidationError } from '../errors';
import { type Actor } from '../identity/actor';
import type { DeskSettingsInput } from './desk.schemas';
import { requirePermission } from '../policy';

export const SUPERVISOR_KEY = 'desk.supervisorUsername';

/** The configured supervisor's username, or null (breaches then go to the admins). */
export async function supervisorUsername(tx: Pick<Repositories, 'settings'>): Promise<string | null> {
  return (await tx.settings.get(SUPERVISOR_KEY)) || null;
}

/** WeCom ids that receive breach escalations: the supervisor, else every active admin. */
export async function supervisorRecipients(tx: Pick<Repositories, 'settings' | 'identity'>): Promise<string[]> {
  const name = await supervisorUsername(tx);
  const sup = name ? await tx.identity.byUsername(name) : null;
  if (sup?.active && sup.wecomUserId) return [sup.wecomUserId];
  const admins = await tx.identity.activeWithRole('admin');
  return admins.map((a) => a.wecomUserId).filter((x): x is string => !!x);
}

/** Desk settings (the SLA supervisor); read by desk roles, changed by admins only (audited). */
export function makeDeskSettings(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;
  return {
    async get(actor: Actor): Promise<{ supervisorUsername: string | null }> {
      requirePermission(actor, 'desk.settings.read');
      return { supervisorUsername: await supervisorUsername(store.read) };
    },
    async update(actor: Actor, input: DeskSettingsInput): Promise<{ supervisorUsername: string | null }> {
      requirePermission(actor, 'desk.settings.edit');
      return store.transaction(async (tx) => {
        const name = input.supervisorUsername;
        if (name !== null) {
          const u = await tx.identity.byUsername(name);
          if (!u || !u.active)
            throw new ValidationError('INVALID_INPUT', `用户 ${name} 不存在或已停用`, [
              { path: 'supervisorUsername', message: '用户不存在或已停用' },
            ]);
          if (u.role === 'unit_staff')
            throw new ValidationError('INVALID_INPUT', `用户 ${name} 是单位人员，不能担任督办人`, [
              { path: 'supervisorUsername', message: '单位人员不能担任督办人' },
            ]);
        }
        const before = await supervisorUsername(tx);
        await tx.settings.remove(SUPERVISOR_KEY);
        if (name !== null) await tx.settings.set(SUPERVISOR_KEY, name);
        await tx.audit.record(actor, clock.now(), {
          action: 'desk-settings.update',
          entityType: 'setting',
          entityId: SUPERVISOR_KEY,
          before: { supervisorUsername: before },
          after: input,
        });
        return { supervisorUsername: name };
      });
    },
  };
}
export type DeskSettings = ReturnType<typeof makeDeskSettings>;
