import { LessThanOrEqual } from 'typeorm';
import { toDbInstant } from '../db/columns';
import type { RepoContext } from '../db/store';
import { Ticket } from '../desk/ticket.entity';
import { OPEN_TICKET_STATES } from './fault-ticket';
import { Incident, type IncidentState } from './incident.entity';
import { ProbeState } from './probe-state.entity';
import { ProbeTarget } from './probe-target.entity';

/** What a probe's last observation records. */
export type ProbeObservation = Omit<ProbeState, 'key'>;

/** Incidents (one row per alert key), the probes' last observations and the configured probe targets. */
export function makeMonitoringRepository({ em, dialect }: RepoContext) {
  return {
    /** Creates the incident row of a key unless it exists (first writer wins). */
    insertIncidentIfAbsent: (values: Omit<Incident, 'id'>): Promise<void> => dialect.insertIgnore(em, Incident, values),

    /** The incident of a key, locked until the transaction ends: concurrent reports of one key wait here. */
    lockIncident: (key: string): Promise<Incident | null> =>
      dialect.forUpdate(em, em.createQueryBuilder(Incident, 'i').where('i.key = :key', { key })).getOne(),

    async updateIncident(id: number, patch: Partial<Omit<Incident, 'id'>>): Promise<void> {
      await em.update(Incident, id, patch);
    },

    incidentByKey: (key: string): Promise<Incident | null> => em.findOneBy(Incident, { key }),

    /** Keys still flapping whose last change is at or before `cutoff`. */
    async quietFlappingKeys(cutoff: Date): Promise<string[]> {
      const rows = await em.find(Incident, {
        select: { key: true },
        where: { flapping: true, lastChangeAt: LessThanOrEqual(cutoff) as never },
      });
      return rows.map((r) => r.key);
    },

    /** A page of incidents, most recently changed first, and how many match. */
    pageIncidents: (state: IncidentState | undefined, window: { skip: number; take: number }): Promise<[Incident[], number]> =>
      em.findAndCount(Incident, { where: state ? { state } : {}, order: { lastChangeAt: 'DESC', id: 'DESC' }, ...window }),

    /** Titles of the firing incidents, oldest first. */
    async firingTitles(limit: number): Promise<string[]> {
      const rows = await em.find(Incident, { select: { title: true }, where: { state: 'firing' }, order: { id: 'ASC' }, take: limit });
      return rows.map((r) => r.title);
    },

    probeState: (key: string): Promise<ProbeState | null> => em.findOneBy(ProbeState, { key }),

    /** Records a probe's first observation unless another process just did. */
    insertProbeState: (key: string, row: ProbeObservation): Promise<void> => dialect.insertIgnore(em, ProbeState, { key, ...row }),

    /** Compare-and-set on the previous check time: true when this call replaced the observation made at `checkedAt`. */
    async replaceProbeState(key: string, checkedAt: Date, row: ProbeObservation): Promise<boolean> {
      const res = await em
        .getRepository(ProbeState)
        .createQueryBuilder()
        .update()
        .set(row)
        .where('key = :key AND checkedAt = :at', { key, at: toDbInstant(checkedAt) })
        .execute();
      return (res.affected ?? 1) === 1;
    },

    probeStates: (): Promise<ProbeState[]> => em.find(ProbeState, { order: { key: 'ASC' } }),

    targets: (): Promise<ProbeTarget[]> => em.find(ProbeTarget, { order: { id: 'ASC' } }),
    enabledTargets: (): Promise<ProbeTarget[]> => em.find(ProbeTarget, { where: { enabled: true }, order: { id: 'ASC' } }),
    targetByName: (name: string): Promise<ProbeTarget | null> => em.findOneBy(ProbeTarget, { name }),
    insertTarget: (values: Omit<ProbeTarget, 'id'>): Promise<ProbeTarget> => em.save(em.create(ProbeTarget, values)),

    /** The ticket if it is still open (an incident's re-fire lands on it). */
    async ticketIfOpen(id: number | null): Promise<Ticket | null> {
      if (id === null) return null;
      const t = await em.findOneBy(Ticket, { id });
      return t && OPEN_TICKET_STATES.includes(t.state) ? t : null;
    },

    /** Whether an open ticket from `source` has a summary starting with `summaryPrefix` (a finding already reported). */
    async hasOpenTicket(source: Ticket['source'], summaryPrefix: string): Promise<boolean> {
      const n = await em
        .createQueryBuilder(Ticket, 't')
        .where('t.source = :s AND t.state IN (:...open) AND t.summary LIKE :p', {
          s: source,
          open: OPEN_TICKET_STATES,
          p: `${summaryPrefix}%`,
        })
        .getCount();
      return n > 0;
    },
  };
}
export type MonitoringRepository = ReturnType<typeof makeMonitoringRepository>;
