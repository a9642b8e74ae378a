import { DateTime } from 'luxon';
import type { BillType } from '../../catalog/bill-type.entity';
import type { Clock } from '../../clock';
import type { DomainStore, Repositories } from '../../db/repositories';
import { ConflictError, ValidationError } from '../../errors';
import type { Actor } from '../../identity/actor';
import type { RangeState } from '../../ledger/ledger.types';
import { intersect, normalize, subtract, type Span } from '../../ledger/ranges';
import { assertSecondPerson, assertUnitAccess, requirePermission, type Duties } from '../../policy';
import type { DocumentView } from '../document.views';
import { lockDocument, shanghaiDate, transition } from '../lifecycle';
import type { ConfirmDestructionInput, CreateDestructionInput } from '../line-documents.schemas';
import { countLines, describeRuns, type DocLine } from './lines';
import { holderName, placeOf, type LineDocSpec } from './spec';
import type { LineDocOutcome, LineDocumentWorkflow } from './workflow';

const DESTROYABLE: RangeState[] = ['WRITTEN_OFF', 'STOCK_VOIDED'];
const SIDE_NAMES = { bureau: '财政局', unit: '单位' } as const;
// Confirmations are transitions approved → approved whose opinion reads 「财政局确认：张三」.
const CONFIRM_RE = /^(财政局|单位)确认：(.+)$/;
const SUPERVISOR_RE = /^监销人：(.+)$/;

type Side = keyof typeof SIDE_NAMES;
export interface Confirmation {
  side: Side;
  confirmedBy: string;
  at: string;
}

const addYears = (date: string, years: number, days = 0): string =>
  DateTime.fromISO(date, { zone: 'utc' }).plus({ years, days }).toISODate() as string;

/** Merges adjacent runs of the same batch for shorter messages. */
function merged(runs: ReadonlyArray<{ batchCode: string; span: Span }>): Array<{ batchCode: string; span: Span }> {
  const codes = [...new Set(runs.map((r) => r.batchCode))].sort();
  return codes.flatMap((batchCode) =>
    normalize(runs.filter((r) => r.batchCode === batchCode).map((r) => r.span)).map((span) => ({ batchCode, span })),
  );
}

/**
 * Written-off stubs are destroyable only once the retention period (bill type, never under 2
 * years) has passed since the write-off approval; every run still to be kept is named in one 409.
 */
async function assertRetentionOver(
  tx: Repositories,
  bt: BillType,
  unitId: number | null,
  lines: readonly DocLine[],
  today: string,
): Promise<void> {
  const years = Math.max(2, bt.retentionYears ?? 5);
  // Runs still to be kept, grouped by approval date so one write-off gives one sentence.
  const early = new Map<string, Array<{ batchCode: string; span: Span }>>();
  const unknown: Array<{ batchCode: string; span: Span }> = [];
  for (const l of lines) {
    const run = { billTypeId: bt.id, batchCode: l.batchCode, span: { start: l.startNo, end: l.endNo } };
    for (const r of await tx.ledger.findAt(run, placeOf(unitId, 'WRITTEN_OFF'))) {
      const piece = intersect(run.span, { start: r.startNo, end: r.endNo }) as Span;
      const approvals = await tx.ledger.writeoffApprovals({ ...run, span: piece });
      for (const j of approvals) {
        const approvedOn = shanghaiDate(j.at);
        if (today >= addYears(approvedOn, years)) continue;
        early.set(approvedOn, [
          ...(early.get(approvedOn) ?? []),
          { batchCode: l.batchCode, span: intersect(piece, { start: j.startNo, end: j.endNo }) as Span },
        ]);
      }
      for (const span of subtract(
        [piece],
        approvals.map((j) => ({ start: j.startNo, end: j.endNo })),
      ))
        unknown.push({ batchCode: l.batchCode, span });
    }
  }
  const problems = [...early]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([on, runs]) =>
        `${describeRuns(merged(runs))} 于 ${on} 核销，存根须保存 ${years} 年，保存至 ${addYears(on, years, -1)}，${addYears(on, years)} 起方可销毁`,
    );
  if (unknown.length > 0) problems.push(`${describeRuns(merged(unknown))} 找不到核销审批记录，无法确认保存期限`);
  if (problems.length > 0) throw new ConflictError('RETENTION_NOT_OVER', `未到存根保存期限，不能销毁：${problems.join('；')}`, problems);
}

/** 销毁: written-off stubs (after retention) or stock-voided blanks; approved = destroyed, then both sides confirm. */
export const destructionSpec: LineDocSpec<CreateDestructionInput> = {
  docType: 'destruction',
  audit: 'destruction',
  permissions: { request: 'destruction.request', review: 'destruction.approve' },
  holder: 'either',
  lines: (input) => input.lines.map((l) => ({ ...l, kind: 'destroy' as const })),
  fields: (input) => ({ reason: input.reason }),
  firstOpinion: (input) => (input.supervisor ? `监销人：${input.supervisor}` : null),
  submitFrom: DESTROYABLE,
  notThere: (unitId) => `不是${holderName(unitId)}已核销的存根或已库存作废的票据，不能销毁`,
  check: ({ tx, bt, unitId, lines, at }) => assertRetentionOver(tx, bt, unitId, lines, shanghaiDate(at)),
  approve: { to: (_l, unitId) => placeOf(unitId, 'DESTROYED'), operation: 'destroy' },
};

/** The destruction's own steps beyond the shared workflow: 登记造册/监销 confirmations. */
export function makeDestructionExtras(workflow: LineDocumentWorkflow, deps: { store: DomainStore; clock: Clock; duties: Duties }) {
  const { store, clock, duties } = deps;

  async function confirmationsOf(tx: Repositories, documentId: number): Promise<Array<Confirmation & { actorId: number }>> {
    const rows = await tx.documents.transitionsOf(documentId, { from: 'approved', to: 'approved' });
    return rows.flatMap((t) => {
      const m = t.opinion?.match(CONFIRM_RE);
      const side = m?.[1] === SIDE_NAMES.bureau ? 'bureau' : 'unit';
      return m ? [{ side, confirmedBy: m[2], at: t.at.toISOString(), actorId: t.actorId }] : [];
    });
  }
  const shown = (c: Confirmation): Confirmation => ({ side: c.side, confirmedBy: c.confirmedBy, at: c.at });

  return {
    /**
     * 登记造册/监销 confirmation by one side; completed once every side has confirmed (a unit's
     * destruction needs bureau and unit, the bureau's own needs the bureau only).
     */
    async confirm(actor: Actor, id: number, input: ConfirmDestructionInput): Promise<LineDocOutcome & { confirmations: Confirmation[] }> {
      requirePermission(actor, input.side === 'bureau' ? 'destruction.confirm.bureau' : 'destruction.confirm.unit');
      return store.transaction(async (tx) => {
        const doc = await lockDocument(tx, 'destruction', id);
        assertUnitAccess(actor, doc.unitId);
        const required: Side[] = doc.unitId === null ? ['bureau'] : ['bureau', 'unit'];
        if (!required.includes(input.side)) throw new ValidationError('INVALID_INPUT', '财政局库存的销毁单只需财政局确认');
        if (doc.status !== 'approved')
          throw new ConflictError('STATE_NOT_ALLOWED', `销毁单 ${doc.docNo} 须审核通过并销毁后才能确认，当前状态不允许确认`);
        const done = await confirmationsOf(tx, doc.id);
        if (done.some((c) => c.side === input.side))
          throw new ConflictError('STATE_NOT_ALLOWED', `${SIDE_NAMES[input.side]}已确认过销毁单 ${doc.docNo}`);
        // 监销 is a second bureau user's (not whoever filed or approved it); the unit's confirmation comes
        // from its own staff or a bureau user recording a named witness; never both from one person.
        const others = done.map((c) => c.actorId);
        if (input.side === 'bureau') {
          assertSecondPerson(duties, actor, [doc.createdBy, doc.reviewedBy ?? 0, ...others], `销毁单 ${doc.docNo} 的监销确认`);
        } else {
          assertSecondPerson(duties, actor, others, `销毁单 ${doc.docNo} 的单位确认`);
        }
        const at = clock.now();
        await tx.documents.insertTransition({
          documentId: doc.id,
          fromStatus: 'approved',
          toStatus: 'approved',
          actorId: actor.userId,
          opinion: `${SIDE_NAMES[input.side]}确认：${input.confirmedBy}`,
          at,
        });
        const confirmations = [...done.map(shown), { side: input.side, confirmedBy: input.confirmedBy, at: at.toISOString() }];
        if (required.every((s) => confirmations.some((c) => c.side === s))) {
          await transition(tx.documents, doc, 'completed', { actorId: actor.userId, at, opinion: '登记造册、监销确认完毕' });
        }
        await tx.audit.record(actor, at, { action: 'destruction.confirm', entityType: 'bill_document', entityId: doc.id, after: input });
        const lines = (await tx.documents.linesOf(doc.id)) as DocLine[];
        return { id: doc.id, docNo: doc.docNo, status: doc.status, counts: countLines(lines), opinion: doc.opinion, confirmations };
      });
    },

    /** One destruction with lines, transitions, the 监销人 and the confirmations so far. */
    async get(
      actor: Actor,
      id: number,
    ): Promise<DocumentView & { counts: Record<string, number>; supervisor: string | null; confirmations: Confirmation[] }> {
      const view = await workflow.get(actor, id);
      const supervisor = view.transitions?.[0]?.opinion?.match(SUPERVISOR_RE)?.[1] ?? null;
      return { ...view, supervisor, confirmations: (await confirmationsOf(store.read, id)).map(shown) };
    },
  };
}
