import type { DataSource, EntityManager } from 'typeorm';
import { LessThanOrEqual } from 'typeorm';
import type { Clock } from '../clock';
import { type Page, pageWindow } from '../common/pagination';
import { inTransaction, repositoriesIn } from '../db/transaction';
import type { SlaClock } from '../desk/sla-clock.entity';
import type { SlaClockService } from '../desk/sla-clock.service';
import type { TicketRepository } from '../desk/tickets.repository';
import { type Actor } from '../identity/actor';
import type { AlertInput, IncidentQuery } from './alert.schemas';
import { downtimeText, noticeFiring, noticeRecovered } from './alert-notices';
import { openFaultTicket, openTicketById } from './fault-ticket';
import { Incident } from './incident.entity';
import { requirePermission } from '../policy';

/**
 * Flap damping: a key that changes state more than `maxChanges` times within `windowMs` is
 * flapping; its notices are held (the changes are still recorded on the incident and the ticket)
 * until it has not changed for `stableMs`, when one notice tells the state it settled in.
 * 4 changes in 30 minutes is two full down/up cycles: a third cycle within half an hour is noise
 * to the people on call. 15 quiet minutes is longer than any blip the probes damp.
 */
export interface FlapPolicy {
  maxChanges: number;
  windowMs: number;
  stableMs: number;
}
export const DEFAULT_FLAP: FlapPolicy = { maxChanges: 4, windowMs: 30 * 60_000, stableMs: 15 * 60_000 };

export type RaiseOutcome = 'opened' | 'refired' | 'repeat';
export type ResolveOutcome = 'resolved' | 'not_firing' | 'unknown';

// The downtime starts when the reporter says the fault began, never in the future.
const began = (a: AlertInput, now: Date): Date => (a.startedAt && a.startedAt.getTime() <= now.getTime() ? a.startedAt : now);

/** Alerts from probes, Alertmanager and other systems → incidents, fault tickets and notices. */
export function makeAlertService(deps: { ds: DataSource; clock: Clock; clocks: SlaClockService; flap?: Partial<FlapPolicy> }) {
  const { ds, clock, clocks } = deps;
  const flap = { ...DEFAULT_FLAP, ...deps.flap };

  // The incident row is the lock: concurrent reports of one key wait here and then see its state.
  async function lockIncident(em: EntityManager, key: string): Promise<Incident | null> {
    const q = em.createQueryBuilder(Incident, 'i').where('i.key = :key', { key });
    if (em.connection.options.type === 'postgres') q.setLock('pessimistic_write');
    return q.getOne();
  }

  async function ensureIncident(em: EntityManager, a: AlertInput, now: Date): Promise<Incident> {
    await em
      .createQueryBuilder()
      .insert()
      .into(Incident)
      .values({
        key: a.key,
        state: 'resolved',
        source: a.source,
        severity: a.severity,
        title: a.title,
        detail: a.detail,
        labels: a.labels as never,
        count: 0,
        firstFiringAt: null,
        lastChangeAt: now,
        resolvedAt: null,
        ticketId: null,
        changes: [] as never,
        flapping: false,
        notifiedState: null,
        suppressed: 0,
      })
      .orIgnore()
      .execute();
    return (await lockIncident(em, a.key))!;
  }

  /** Records a state change in the flap window; flapping once the window holds too many. */
  function change(inc: Incident, now: Date): Pick<Incident, 'changes' | 'flapping' | 'lastChangeAt'> {
    const since = now.getTime() - flap.windowMs;
    const changes = [...inc.changes.filter((c) => new Date(c).getTime() > since), now.toISOString()];
    return { changes, flapping: inc.flapping || changes.length > flap.maxChanges, lastChangeAt: now };
  }

  // Transitional until monitoring is on the Store: one transaction collecting the clocks it starts
  // (the scheduler hears of them only after the commit), and the desk's timeline through it.
  async function withClocks<T>(work: (em: EntityManager, touched: SlaClock[]) => Promise<T>): Promise<T> {
    const touched: SlaClock[] = [];
    const result = await inTransaction(ds, (em) => work(em, touched));
    clocks.notify(touched);
    return result;
  }
  const addEvent = (em: EntityManager, ...event: Parameters<TicketRepository['addEvent']>) => repositoriesIn(em).tickets.addEvent(...event);

  return {
    flap,

    /**
     * A firing alert. Already firing: only counted. Otherwise it fires: a fault ticket is opened
     * (or the episode's still-open ticket gets an event) and the engineers and the ops group are
     * told — all in one transaction; a flapping key's notices are held.
     */
    raise(a: AlertInput): Promise<{ outcome: RaiseOutcome; incident: Incident }> {
      return withClocks(async (em, touched) => {
        const now = clock.now();
        const inc = await ensureIncident(em, a, now);
        if (inc.state === 'firing') {
          await em.update(Incident, inc.id, { count: inc.count + 1, detail: a.detail, labels: a.labels as never });
          return { outcome: 'repeat' as const, incident: { ...inc, count: inc.count + 1 } };
        }
        const ch = change(inc, now);
        const next: Incident = {
          ...inc,
          ...ch,
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
        let ticket = await openTicketById(em, inc.ticketId);
        const outcome: RaiseOutcome = ticket ? 'refired' : 'opened';
        if (ticket)
          await addEvent(
            em,
            ticket.id,
            'alert',
            null,
            `再次告警：${a.title}`,
            { alertKey: a.key, state: 'firing', suppressed: next.flapping },
            now,
          );
        else ticket = await openFaultTicket(em, clocks, a, now, touched);
        next.ticketId = ticket.id;
        if (next.flapping) next.suppressed = inc.suppressed + 1;
        else {
          await noticeFiring(em, next, ticket, now, '');
          next.notifiedState = 'firing';
        }
        const { id: _id, ...patch } = next;
        await em.update(Incident, inc.id, patch as never);
        return { outcome, incident: next };
      });
    },

    /** The alert stopped: recovery notice with the downtime, and an event on its ticket. */
    resolve(key: string): Promise<{ outcome: ResolveOutcome; incident: Incident | null }> {
      return withClocks(async (em) => {
        const now = clock.now();
        const inc = await lockIncident(em, key);
        if (!inc) return { outcome: 'unknown' as const, incident: null };
        if (inc.state !== 'firing') return { outcome: 'not_firing' as const, incident: inc };
        const next: Incident = { ...inc, ...change(inc, now), state: 'resolved', resolvedAt: now };
        const downtime = downtimeText(now.getTime() - (inc.firstFiringAt ?? now).getTime());
        if (inc.ticketId)
          await addEvent(
            em,
            inc.ticketId,
            'alert',
            null,
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
          await noticeRecovered(em, next, now, '');
          next.notifiedState = 'resolved';
        }
        const { id: _id, ...patch } = next;
        await em.update(Incident, inc.id, patch as never);
        return { outcome: 'resolved' as const, incident: next };
      });
    },

    /**
     * Ends flapping for keys quiet for `stableMs`; if the state they settled in is not the one
     * last announced, announces it now. The monitoring job calls this every run.
     */
    async settle(): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - flap.stableMs);
      const quiet = await ds
        .getRepository(Incident)
        .find({ select: { key: true }, where: { flapping: true, lastChangeAt: LessThanOrEqual(cutoff) as never } });
      let settled = 0;
      for (const { key } of quiet) {
        await inTransaction(ds, async (em) => {
          const now = clock.now();
          const inc = await lockIncident(em, key);
          if (!inc?.flapping || inc.lastChangeAt.getTime() > now.getTime() - flap.stableMs) return;
          const patch: Partial<Incident> = { flapping: false, changes: [], notifiedState: inc.state };
          if (inc.notifiedState !== inc.state) {
            const ticket = await openTicketById(em, inc.ticketId);
            if (inc.state === 'resolved') await noticeRecovered(em, inc, inc.resolvedAt ?? now, '（告警抖动已平息）');
            else if (ticket) await noticeFiring(em, inc, ticket, now, '（告警抖动已平息，仍未恢复）');
          }
          if (inc.ticketId)
            await addEvent(
              em,
              inc.ticketId,
              'alert',
              null,
              '告警抖动已平息，恢复推送通知',
              { alertKey: key, state: inc.state, heldNotices: inc.suppressed },
              now,
            );
          await em.update(Incident, inc.id, patch as never);
          settled++;
        });
      }
      return settled;
    },

    /** Incidents, most recently changed first (bureau roles, engineers, leaders). */
    async list(actor: Actor, q: IncidentQuery): Promise<Page<Incident>> {
      requirePermission(actor, 'incident.read');
      const { skip, take } = pageWindow(q);
      const [items, total] = await ds
        .getRepository(Incident)
        .findAndCount({ where: q.state ? { state: q.state } : {}, order: { lastChangeAt: 'DESC', id: 'DESC' }, skip, take });
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    /** For GET /health: degraded while any incident fires (the titles say which). */
    async health(): Promise<{ status: 'ok' | 'degraded'; detail: string }> {
      const firing = await ds
        .getRepository(Incident)
        .find({ select: { title: true }, where: { state: 'firing' }, order: { id: 'ASC' }, take: 20 });
      return firing.length
        ? { status: 'degraded', detail: `告警中：${firing.map((i) => i.title).join('；')}` }
        : { status: 'ok', detail: '无告警' };
    },

    /** The incident of a key, or null. */
    byKey(key: string): Promise<Incident | null> {
      return ds.getRepository(Incident).findOneBy({ key });
    },
  };
}
export type AlertService = ReturnType<typeof makeAlertService>;
