import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import { ConflictError } from '../errors';
import { type Actor } from '../identity/actor';
import { requirePermission } from '../policy';
import type { ProbeTargetInput } from './alert.schemas';
import type { ProbeTarget } from './probe-target.entity';

/** The configured targets of the bill system (admin only). */
export function makeProbeTargetService(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;
  return {
    list(actor: Actor): Promise<ProbeTarget[]> {
      requirePermission(actor, 'monitoring.manage');
      return store.read.monitoring.targets();
    },

    /** Adds a target; probed from the next monitoring round on. */
    create(actor: Actor, input: ProbeTargetInput): Promise<ProbeTarget> {
      requirePermission(actor, 'monitoring.manage');
      return store.transaction(async (tx) => {
        if (await tx.monitoring.targetByName(input.name)) throw new ConflictError('DUPLICATE', `监控目标「${input.name}」已存在`);
        const now = clock.now();
        const t = await tx.monitoring.insertTarget({
          name: input.name,
          kind: input.kind,
          url: input.kind === 'http' ? input.url : null,
          address: input.kind === 'tcp' ? input.address : null,
          expectedStatus: input.kind === 'http' ? input.expectedStatus : 0,
          timeoutMs: input.timeoutMs,
          enabled: input.enabled,
          createdAt: now,
        });
        await tx.audit.record(actor, now, { action: 'probe_target.create', entityType: 'probe_target', entityId: t.id, after: input });
        return t;
      });
    },
  };
}
export type ProbeTargetService = ReturnType<typeof makeProbeTargetService>;
