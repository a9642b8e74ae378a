import type { Clock } from '../clock';
import { type Page, pageWindow } from '../common/pagination';
import type { DomainStore, Repositories } from '../db/repositories';
import { type Actor } from '../identity/actor';
import { requirePermission } from '../policy';
import type { AlertInput, IncidentQuery } from './alert.schemas';
import { downtimeText, expireFiringNotices, noticeFiring, noticeRecovered } from './alert-notices';
import type { DeskPort } from './desk-port';
import { faultTicketInput } from './fault-ticket';
import { DEFAULT_FLAP, flapChange, settlesAt, type FlapPolicy } from './flap';
import type { Incident } from './incident.entity';

export { DEFAULT_FLAP, type FlapPolicy } from './flap';

export type RaiseOutcome = 'opened' | 'refired' | 'repeat';
export type ResolveOutcome = 'resolved' | 'not_firing' | 'unknown';

// The downtime starts when the reporter says the fault began, never in the future.
const began = (a: AlertInput, now: Date): Date => (a.startedAt && a.startedAt.getTime() <= now.getTime() ? a.startedAt : now);

/** Alerts from probes, Alertmanager and other systems → incidents, fault tickets and notices. */
export function makeAlertService(deps: { store: DomainStore; clock: Clock; desk: DeskPort; flap?: Partial<FlapPolicy> }) {
  const { clock, desk } = deps;
  const { monitoring } = deps.store.read;
  const flap: FlapPolicy = { ...DEFAULT_FLAP, ...deps.flap };

  // The incident row is the lock: concurrent reports of one key wait here and then see its state.
  async function ensureIncident(tx: Pick<Repositories, 'monitoring'>, a: AlertInput, now: Date): Promise<Incident> {
    await tx.monitoring.insertIncidentIfAbsent({
      key: a.key,
      state: 'resolved',
      source: a.source,
      severity: a.severity,
      title: a.title,
      detail: a.detail,
      labels: a.labels,
      count: 0,
      firstFiringAt: null,
      lastChangeAt: now,
      resolvedAt: null,
      ticketId: null,
      changes: [],
      flapping: false,
      notifiedState: null,
      suppressed: 0,
    });
    return (await tx.monitoring.lockIncident(a.key))!;
  }

  return {
    flap,

    /**
     * A firing alert. Already firing: only counted. Otherwise it fires: a fault ticket is opened
     * (or the episode's still-open ticket gets an event) and the engineers and the ops group are
     * told — all in one transaction; a flapping key's notices are held.
     */
    raise(a: AlertInput): Promise<{ outcome: RaiseOutcome; incident: Incident }> {
      return desk.transaction(async (tx, d) => {
        const now = clock.now();
        const inc = await ensureIncident(tx, a, now);
        if (inc.state === 'firing') {
          await tx.monitoring.updateIncident(inc.id, { count: inc.count + 1, detail: a.detail, labels: a.labels });
          return { outcome: 'repeat' as const, incident: { ...inc, count: inc.count + 1 } };
        }
        const next: Incident = {
          ...inc,
          ...flapChange(inc, now, flap),
          state: 'firing',
          source: a.source,
          severity: a.severity,
          title: a.title,
          detail: a.detail,
          labels: a.labels,
          count: inc.count + 1,
          firstFiringAt: began(a, now),
          resolvedAt: null,
        };
        let ticket = await tx.monitoring.ticketIfOpen(inc.ticketId);
        const outcome: RaiseOutcome = ticket ? 'refired' : 'opened';
        if (ticket)
          await d.alertEvent(ticket.id, `再次告警：${a.title}`, { alertKey: a.key, state: 'firing', suppressed: next.flapping }, now);
        else ticket = await d.openTicket(faultTicketInput(a), now);
        next.ticketId = ticket.id;
        if (next.flapping) next.suppressed = inc.suppressed + 1;
        else {
          await noticeFiring(tx, d, next, ticket, now, '');
          next.notifiedState = 'firing';
        }
        const { id: _id, ...patch } = next;
        await tx.monitoring.updateIncident(inc.id, patch);
        return { outcome, incident: next };
      });
    },

    /** The alert stopped: recovery notice with the downtime, and an event on its ticket. */
    resolve(key: string): Promise<{ outcome: ResolveOutcome; incident: Incident | null }> {
      return desk.transaction(async (tx, d) => {
        const now = clock.now();
        const inc = await tx.monitoring.lockIncident(key);
        if (!inc) return { outcome: 'unknown' as const, incident: null };
        if (inc.state !== 'firing') return { outcome: 'not_firing' as const, incident: inc };
        const next: Incident = { ...inc, ...flapChange(inc, now, flap), state: 'resolved', resolvedAt: now };
        const downtime = downtimeText(now.getTime() - (inc.firstFiringAt ?? now).getTime());
        // Also while flapping (recovery notice held): the firing notice of before is stale either way.
        await expireFiringNotices(tx, inc, now);
        if (inc.ticketId)
          await d.alertEvent(
            inc.ticketId,
            `${inc.title} 已恢复，故障持续 ${downtime}`,
            {
              alertKey: key,
              state: 'resolved',
              downtimeMs: now.getTime() - (inc.firstFiringAt ?? now).getTime(),
              suppressed: next.flapping,
            },
            now,
          );
        if (next.flapping) next.suppressed = inc.suppressed + 1;
        else {
          await noticeRecovered(tx, d, next, now, '');
          next.notifiedState = 'resolved';
        }
        const { id: _id, ...patch } = next;
        await tx.monitoring.updateIncident(inc.id, patch);
        return { outcome: 'resolved' as const, incident: next };
      });
    },

    /**
     * Ends flapping for keys quiet for `stableMs`; if the state they settled in is not the one
     * last announced, announces it now. The monitoring job calls this every run.
     */
    async settle(): Promise<number> {
      const quiet = await monitoring.quietFlappingKeys(new Date(clock.now().getTime() - flap.stableMs));
      let settled = 0;
      for (const key of quiet) {
        await desk.transaction(async (tx, d) => {
          const now = clock.now();
          const inc = await tx.monitoring.lockIncident(key);
          if (!inc || !settlesAt(inc, now, flap)) return;
          const patch: Partial<Incident> = { flapping: false, changes: [], notifiedState: inc.state };
          if (inc.notifiedState !== inc.state) {
            const ticket = await tx.monitoring.ticketIfOpen(inc.ticketId);
            if (inc.state === 'resolved') await noticeRecovered(tx, d, inc, inc.resolvedAt ?? now, '（告警抖动已平息）');
            else if (ticket) await noticeFiring(tx, d, inc, ticket, now, '（告警抖动已平息，仍未恢复）');
          }
          if (inc.ticketId)
            await d.alertEvent(
              inc.ticketId,
              '告警抖动已平息，恢复推送通知',
              { alertKey: key, state: inc.state, heldNotices: inc.suppressed },
              now,
            );
          await tx.monitoring.updateIncident(inc.id, patch);
          settled++;
        });
      }
      return settled;
    },

    /** Incidents, most recently changed first (bureau roles, engineers, leaders). */
    async list(actor: Actor, q: IncidentQuery): Promise<Page<Incident>> {
      requirePermission(actor, 'incident.read');
      const [items, total] = await monitoring.pageIncidents(q.state, pageWindow(q));
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    /** For GET /health: degraded while any incident fires (the titles say which). */
    async health(): Promise<{ status: 'ok' | 'degraded'; detail: string }> {
      const firing = await monitoring.firingTitles(20);
      return firing.length ? { status: 'degraded', detail: `告警中：${firing.join('；')}` } : { status: 'ok', detail: '无告警' };
    },

    /** The incident of a key, or null. */
    byKey: (key: string): Promise<Incident | null> => monitoring.incidentByKey(key),
  };
}
export type AlertService = ReturnType<typeof makeAlertService>;
