import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Clock } from '../clock';
import { inTransaction } from '../db/transaction';
import { ValidationError } from '../errors';
import { type Actor } from '../identity/actor';
import { User } from '../identity/user.entity';
import { Setting } from '../settings/setting.entity';
import type { DeskSettingsInput } from './desk.schemas';
import { requirePermission } from '../policy';

export const SUPERVISOR_KEY = 'desk.supervisorUsername';

/** The configured supervisor's username, or null (breaches then go to the admins). */
export async function supervisorUsername(em: EntityManager): Promise<string | null> {
  return (await em.findOneBy(Setting, { key: SUPERVISOR_KEY }))?.value || null;
}

/** WeCom ids that receive breach escalations: the supervisor, else every active admin. */
export async function supervisorRecipients(em: EntityManager): Promise<string[]> {
  const name = await supervisorUsername(em);
  const sup = name ? await em.findOneBy(User, { username: name, active: true }) : null;
  if (sup?.wecomUserId) return [sup.wecomUserId];
  const admins = await em.find(User, { where: { role: 'admin', active: true } });
  return admins.map((a) => a.wecomUserId).filter((x): x is string => !!x);
}

/** Desk settings (the SLA supervisor); read by desk roles, changed by admins only (audited). */
export function makeDeskSettings(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  return {
    async get(actor: Actor): Promise<{ supervisorUsername: string | null }> {
      requirePermission(actor, 'desk.settings.read');
      return { supervisorUsername: await supervisorUsername(ds.manager) };
    },
    async update(actor: Actor, input: DeskSettingsInput): Promise<{ supervisorUsername: string | null }> {
      requirePermission(actor, 'desk.settings.edit');
      return inTransaction(ds, async (em) => {
        const name = input.supervisorUsername;
        if (name !== null) {
          const u = await em.findOneBy(User, { username: name });
          if (!u || !u.active)
            throw new ValidationError('INVALID_INPUT', `用户 ${name} 不存在或已停用`, [
              { path: 'supervisorUsername', message: '用户不存在或已停用' },
            ]);
          if (u.role === 'unit_staff')
            throw new ValidationError('INVALID_INPUT', `用户 ${name} 是单位人员，不能担任督办人`, [
              { path: 'supervisorUsername', message: '单位人员不能担任督办人' },
            ]);
        }
        const before = await supervisorUsername(em);
        await em.delete(Setting, { key: SUPERVISOR_KEY });
        if (name !== null) await em.insert(Setting, { key: SUPERVISOR_KEY, value: name });
        await recordAudit(em, actor, clock.now(), {
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
