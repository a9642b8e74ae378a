import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import type { DomainStore, Repositories } from '../../db/repositories';
import { NotFoundError, ValidationError } from '../../errors';
import { type Actor } from '../../identity/actor';
import type { InspectionFinding, InspectionResult, InspectionRun, InspectionSchedule } from './inspection.entity';
import type { TicketPort } from './records.common';
import {
  type CreateInspectionScheduleInput,
  type ListInspectionsQuery,
  recordInspectionSchema,
  type RecordInspectionInput,
} from './records.schemas';
import { requirePermission } from '../../policy';

export type InspectionRunDetail = InspectionRun & { results: InspectionResult[]; findings: InspectionFinding[] };

const WORST = ['ok', 'warn', 'fail'] as const;

/** Periodic inspections (定期巡检): schedules with checklists, runs with per-item results, findings that open tickets. */
export function makeInspectionService(deps: { store: DomainStore; clock: Clock; tickets: Pick<TicketPort, 'create'> }) {
  const { store, clock, tickets } = deps;
  const db = store.read;

  async function detail(tx: Pick<Repositories, 'inspections'>, run: InspectionRun): Promise<InspectionRunDetail> {
    const [results, findings] = await Promise.all([tx.inspections.resultsOf(run.id), tx.inspections.findingsOf(run.id)]);
    return { ...run, results, findings };
  }

  return {
    async createSchedule(actor: Actor, input: CreateInspectionScheduleInput): Promise<InspectionSchedule> {
      requirePermission(actor, 'desk.record.write');
      return store.transaction(async (tx) => {
        const now = clock.now();
        const s = await tx.inspections.insertSchedule({ ...input, active: true, createdAt: now });
        await tx.audit.record(actor, now, {
          action: 'inspection-schedule.create',
          entityType: 'inspection_schedule',
          entityId: s.id,
          after: input,
        });
        return s;
      });
    },

    async listSchedules(actor: Actor): Promise<InspectionSchedule[]> {
      requirePermission(actor, 'desk.record.read');
      return db.inspections.schedules();
    },

    /**
     * Records one run (by a person or the inspection job). Everything is checked before anything is
     * written; the run, its results and findings commit together, then each finding that asks for it
     * opens a ticket (source `inspection`) through the ticket service.
     */
    async recordRun(actor: Actor, raw: RecordInspectionInput): Promise<InspectionRunDetail> {
      requirePermission(actor, 'desk.record.write');
      const input = recordInspectionSchema.parse(raw);
      if (input.scheduleId) {
        const s = await db.inspections.scheduleById(input.scheduleId);
        if (!s) throw new NotFoundError('RECORD_NOT_FOUND', `巡检计划 #${input.scheduleId} 不存在`);
        const known = new Set(s.checklist.map((c) => c.key));
        const unknown = input.results.filter((r) => !known.has(r.item)).map((r) => r.item);
        if (unknown.length > 0)
          throw new ValidationError(
            'INVALID_INPUT',
            `检查项 ${unknown.join('、')} 不在巡检计划“${s.name}”的清单中`,
            unknown.map((u) => ({ path: 'results', message: u })),
          );
      }
      const unitIds = await Promise.all(
        input.findings.map(async (f) => (f.unitCode ? (await db.catalog.unitByCode(f.unitCode)).id : null)),
      );
      const status = input.results.reduce<(typeof WORST)[number]>(
        (w, r) => (WORST.indexOf(r.status) > WORST.indexOf(w) ? r.status : w),
        'ok',
      );
      const { run, findings } = await store.transaction(async (tx) => {
        const now = clock.now();
        const run = await tx.inspections.insertRun({
          scheduleId: input.scheduleId ?? null,
          kind: input.kind,
          status,
          performedById: actor.userId,
          performedByName: actor.username,
          performedAt: now,
        });
        await tx.inspections.insertResults(
          input.results.map((r) => ({ runId: run.id, item: r.item, status: r.status, note: r.note ?? null })),
        );
        const findings: InspectionFinding[] = [];
        for (const [i, f] of input.findings.entries()) {
          findings.push(
            await tx.inspections.insertFinding({
              runId: run.id,
              title: f.title,
              detail: f.detail ?? null,
              severity: f.severity,
              unitId: unitIds[i],
              ticketId: null,
            }),
          );
        }
        await tx.audit.record(actor, now, { action: 'inspection.record', entityType: 'inspection_run', entityId: run.id, after: input });
        return { run, findings };
      });
      for (const [i, f] of input.findings.entries()) {
        if (!f.openTicket) continue;
        const t = await tickets.create(actor, {
          source: 'inspection',
          unitCode: f.unitCode,
          category: 'inspection',
          priority: f.severity,
          summary: `【巡检发现】${f.title}${f.detail ? `：${f.detail}` : ''}`.slice(0, 500),
        });
        await db.inspections.linkFindingTicket(findings[i].id, t.id);
      }
      return detail(db, run);
    },

    async get(actor: Actor, id: number): Promise<InspectionRunDetail> {
      requirePermission(actor, 'desk.record.read');
      const run = await db.inspections.runById(id);
      if (!run) throw new NotFoundError('RECORD_NOT_FOUND', `巡检记录 #${id} 不存在`);
      return detail(db, run);
    },

    async list(actor: Actor, q: ListInspectionsQuery): Promise<Page<InspectionRun>> {
      requirePermission(actor, 'desk.record.read');
      const [items, total] = await db.inspections.pageRuns({ scheduleId: q.scheduleId, status: q.status }, pageWindow(q));
      return { items, total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type InspectionService = ReturnType<typeof makeInspectionService>;
