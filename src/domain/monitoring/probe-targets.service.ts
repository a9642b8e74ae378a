import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Clock } from '../clock';
import { inTransaction } from '../db/transaction';
import { ConflictError } from '../errors';
import { type Actor } from '../identity/actor';
import type { ProbeTargetInput } from './alert.schemas';
import { ProbeTarget } from './probe-target.entity';
import { requirePermission } from '../policy';

/** The configured targets of the bill system (admin only). */
export function makeProbeTargetService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;
  return {
    list(actor: Actor): Promise<ProbeTarget[]> {
      requirePermission(actor, 'monitoring.manage');
      return ds.getRepository(ProbeTarget).find({ order: { id: 'ASC' } });
    },

    /** Adds a target; probed from the next monitoring round on. */
    create(actor: Actor, input: ProbeTargetInput): Promise<ProbeTarget> {
      requirePermission(actor, 'monitoring.manage');
      return inTransaction(ds, async (em) => {
        if (await em.findOneBy(ProbeTarget, { name: input.name })) throw new ConflictError('DUPLICATE', `监控目标「${input.name}」已存在`);
        const now = clock.now();
        const t = await em.save(
          em.create(ProbeTarget, {
            name: input.name,
            kind: input.kind,
            url: input.kind === 'http' ? input.url : null,
            address: input.kind === 'tcp' ? input.address : null,
            expectedStatus: input.kind === 'http' ? input.expectedStatus : 0,
            timeoutMs: input.timeoutMs,
            enabled: input.enabled,
            createdAt: now,
          }),
        );
        await recordAudit(em, actor, now, { action: 'probe_target.create', entityType: 'probe_target', entityId: t.id, after: input });
        return t;
      });
    },
  };
}
export type ProbeTargetService = ReturnType<typeof makeProbeTargetService>;
