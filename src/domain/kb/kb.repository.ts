import { In } from 'typeorm';
import type { RepoContext } from '../db/store';
import { TicketEvent } from '../desk/ticket-event.entity';
import { KbChange } from './kb-change.entity';
import type { KbChangeStatus } from './kb.types';

// Every KB write takes this lock (an advisory lock on PostgreSQL; SQLite has one writer), so each
// approval is checked against all approvals before it.
const KB_LOCK_KEY = 7_301_004;

/** Filters of the change list. */
export interface KbChangeFilter {
  status?: KbChangeStatus;
  intent?: string;
}

/** The knowledge-base overlay: reviewed changes applied on top of the YAML files in `seq` order. */
export function makeKbRepository({ em, dialect }: RepoContext) {
  return {
    /** Serialises KB writes until the transaction ends. */
    lock: (): Promise<void> => dialect.advisoryLock(em, KB_LOCK_KEY),

    byId: (id: number): Promise<KbChange | null> => em.findOneBy(KbChange, { id }),

    /** Approved changes in the order they were approved (the order they were checked in). */
    approved: (): Promise<KbChange[]> => em.find(KbChange, { where: { status: 'approved' }, order: { seq: 'ASC', id: 'ASC' } }),

    /** The seq the next approval takes. */
    async nextSeq(): Promise<number> {
      const raw = await em.createQueryBuilder(KbChange, 'c').select('MAX(c.seq)', 'm').getRawOne<{ m: number | string | null }>();
      return Number(raw?.m ?? 0) + 1;
    },

    async insert(values: Omit<KbChange, 'id'>): Promise<KbChange> {
      return em.save(em.create(KbChange, values));
    },

    async update(id: number, patch: Partial<Omit<KbChange, 'id'>>): Promise<void> {
      await em.update(KbChange, id, patch);
    },

    /** Proposals still waiting for an intent, oldest first. */
    pendingFor: (intent: string): Promise<KbChange[]> => em.find(KbChange, { where: { intent, status: 'pending' }, order: { id: 'ASC' } }),

    /** A page of changes, newest first, and how many match. */
    page: (f: KbChangeFilter, window: { skip: number; take: number }): Promise<[KbChange[], number]> =>
      em.findAndCount(KbChange, {
        where: { ...(f.status ? { status: f.status } : {}), ...(f.intent ? { intent: f.intent } : {}) },
        order: { id: 'DESC' },
        ...window,
      }),

    /** Changes proposed from engineers' replies to one ticket. */
    proposalsOfTicket: (ticketId: number): Promise<KbChange[]> => em.find(KbChange, { where: { ticketId, source: 'engineer-reply' } }),

    /** The questions of a ticket as its timeline holds them (the opening question and later ones), oldest first. */
    ticketQuestions: (ticketId: number): Promise<TicketEvent[]> =>
      em.find(TicketEvent, { where: { ticketId, type: In(['created', 'question']) }, order: { id: 'ASC' } }),
  };
}
export type KbRepository = ReturnType<typeof makeKbRepository>;
