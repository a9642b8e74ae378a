import type { Clock } from '../clock';
import { pageWindow, type Page } from '../common/pagination';
import type { DomainStore, Repositories } from '../db/repositories';
import { DomainError, ForbiddenError } from '../errors';
import type { Actor } from '../identity/actor';
import { can, type Duties } from '../policy';
import type { ApplicationChecks } from './application-checks';
import type { BillDocument } from './bill-document.entity';
import type { DocumentView } from './document.views';
import { DOC_NAMES } from './lifecycle';
import { assertLinesAt, countLines, type DocLine } from './line-documents/lines';
import { placeOf, type LineDocType } from './line-documents/spec';
import type { LineDocumentWorkflow } from './line-documents/workflow';
import { APPROVAL_KINDS, type ApprovalCheck, type ApprovalItem, type ApprovalKind, type ApprovalsQuery } from './approvals-inbox.schemas';

/** The line documents the inbox reviews, by kind, with their workflows (specs name the review permission). */
export type ReviewFlows = Record<LineDocType, LineDocumentWorkflow>;

/** Counts as the desk reads them: 12,000. */
const n = (x: number): string => x.toLocaleString('en-US');

const LABELS = { cap: '分次限量', writeoff: '核旧领新', stock: '财政库存', duties: '不相容岗位' } as const;

/**
 * 待办审批: every submitted document the bureau reviews (申领单, 核销单, 申退单, 库存作废单, 销毁单) in one
 * list, oldest submission first, each with the rule checks its approval will run — so the operator sees
 * before clicking why an approval would be refused. The approve and reject endpoints stay the only
 * authority; these checks are read without locks and may be overtaken by a concurrent action.
 */
export function makeApprovalsInbox(deps: {
  store: DomainStore;
  clock: Clock;
  duties: Duties;
  flows: ReviewFlows;
  applicationChecks: ApplicationChecks;
}) {
  const { store, clock, duties, flows } = deps;
  const reviewPermission = (kind: ApprovalKind) =>
    kind === 'application' ? ('application.approve' as const) : flows[kind].spec.permissions.review;

  /** The separation-of-duties check: the maker (creator or last submitter) may not review. */
  function dutiesCheck(actor: Actor, createdBy: number, submittedBy: number | null): ApprovalCheck {
    const mine = duties.separate && (actor.userId === createdBy || actor.userId === submittedBy);
    return mine
      ? { key: 'duties', label: LABELS.duties, ok: false, message: '由您录入或提交，须由另一位工作人员审核' }
      : { key: 'duties', label: LABELS.duties, ok: true, message: '可由您审核' };
  }

  /** An application's checks read through the one application-check function (the web form and the bot read the same). */
  async function applicationChecks(actor: Actor, doc: BillDocument): Promise<{ checks: ApprovalCheck[]; issuable: boolean }> {
    const c = await deps.applicationChecks.ofApplication(actor, doc.id);
    const checks: ApprovalCheck[] = [];
    const capBlock = c.blockers.find((b) => b.reason === 'CAP_EXCEEDED');
    checks.push(
      capBlock
        ? { key: 'cap', label: LABELS.cap, ok: false, message: capBlock.message }
        : {
            key: 'cap',
            label: LABELS.cap,
            ok: true,
            message: c.cap === null ? '未设单次上限' : `每次最多 ${n(c.cap)} 份，本次 ${n(c.quantity)} 份`,
          },
    );
    const writeoffBlock = c.blockers.find((b) => b.reason === 'PENDING_WRITEOFFS' || b.reason === 'WRITEOFF_OVERDUE');
    checks.push(
      writeoffBlock
        ? { key: 'writeoff', label: LABELS.writeoff, ok: false, message: writeoffBlock.message }
        : { key: 'writeoff', label: LABELS.writeoff, ok: true, message: '无待审核销，无逾期未核销的旧票' },
    );
    for (const b of c.blockers.filter((x) => x.reason === 'INACTIVE'))
      checks.push({ key: 'active', label: '启用状态', ok: false, message: b.message });
    const { inStock, promised, available, sufficient } = c.warehouse;
    checks.push({
      key: 'stock',
      label: LABELS.stock,
      ok: sufficient,
      message:
        `财政库存 ${n(inStock)} 份` +
        (promised > 0 ? `，已批待发 ${n(promised)} 份` : '') +
        `，可批 ${n(available)} 份，本次 ${n(c.quantity)} 份` +
        (sufficient ? '' : '：库存不足，请退回单位减少数量或待入库后再审核'),
    });
    return { checks, issuable: sufficient };
  }

  /** The checks a line document's approval runs again (numbers still in place, retention over), as rows. */
  async function lineChecks(r: Repositories, doc: BillDocument, kind: LineDocType, lines: DocLine[]): Promise<ApprovalCheck[]> {
    const spec = flows[kind].spec;
    const checks: ApprovalCheck[] = [];
    if (kind === 'writeoff') {
      checks.push(
        doc.cutoffDate
          ? { key: 'cutoff', label: '截止日期', ok: true, message: `核销截止日期 ${doc.cutoffDate}` }
          : { key: 'cutoff', label: '截止日期', ok: false, message: '未填写截止日期：审核通过后不能作为核旧领新的依据' },
      );
      return checks;
    }
    const bt = await r.catalog.billTypeById(doc.billTypeId);
    try {
      await assertLinesAt(
        r.ledger,
        bt.id,
        lines,
        spec.submitFrom.map((s) => placeOf(doc.unitId, s)),
        spec.notThere(doc.unitId),
      );
      checks.push({ key: 'ranges', label: '号段', ok: true, message: `${n(countLines(lines).total)} 份号码均在原处` });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      checks.push({ key: 'ranges', label: '号段', ok: false, message: e.message });
    }
    if (spec.check) {
      try {
        await spec.check({ tx: r, bt, unitId: doc.unitId, lines, fields: doc, at: clock.now(), phase: 'approve' });
        checks.push({ key: 'retention', label: '保存期限', ok: true, message: '存根已过保存期限或为库存作废的空白票据' });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        checks.push({ key: 'retention', label: '保存期限', ok: false, message: e.message });
      }
    }
    return checks;
  }

  return {
    async list(actor: Actor, q: ApprovalsQuery): Promise<Page<ApprovalItem> & { byKind: Record<ApprovalKind, number> }> {
      const allowed = APPROVAL_KINDS.filter((k) => can(actor, reviewPermission(k)));
      const kinds = allowed.filter((k) => !q.kind || k === q.kind);
      if (kinds.length === 0) throw new ForbiddenError('PERMISSION_DENIED', '无权执行此操作');
      const r = store.read;
      const unitId = q.unitCode ? (await r.catalog.unitByCode(q.unitCode)).id : undefined;
      const [[docs, total], counts] = await Promise.all([
        r.documents.awaitingReview(kinds, unitId, pageWindow(q)),
        r.documents.awaitingReviewCounts(allowed, unitId),
      ]);
      const byKind = Object.fromEntries(APPROVAL_KINDS.map((k) => [k, counts[k] ?? 0])) as Record<ApprovalKind, number>;
      const views = await r.documents.views(docs, { transitions: true });
      const unitIds = [...new Set(docs.map((d) => d.unitId).filter((x): x is number => x !== null))];
      const units = new Map((unitIds.length ? await r.catalog.unitsByIds(unitIds) : []).map((u) => [u.id, u]));
      const lines = await r.documents.linesOfMany(docs.filter((d) => d.docType !== 'application').map((d) => d.id));
      const items: ApprovalItem[] = [];
      for (const [i, doc] of docs.entries()) {
        const view: DocumentView = views[i];
        const submitted = [...(view.transitions ?? [])].reverse().find((t) => t.toStatus === 'submitted');
        const kind = doc.docType as ApprovalKind;
        const docLines = lines.filter((l) => l.documentId === doc.id) as unknown as DocLine[];
        const { checks, issuable } =
          kind === 'application'
            ? await applicationChecks(actor, doc)
            : { checks: await lineChecks(r, doc, kind, docLines), issuable: false };
        checks.push(dutiesCheck(actor, doc.createdBy, submitted?.actorId ?? null));
        const { transitions: _t, ...rest } = view;
        items.push({
          ...rest,
          kind,
          kindName: DOC_NAMES[kind],
          unitName: doc.unitId === null ? '财政局' : (units.get(doc.unitId)?.name ?? ''),
          submittedByName: submitted?.actorName ?? null,
          counts: kind === 'application' ? { total: doc.quantity } : countLines(docLines),
          lines:
            kind === 'application'
              ? []
              : docLines.map((l) => ({
                  kind: l.kind,
                  batchCode: l.batchCode,
                  startNo: l.startNo,
                  endNo: l.endNo,
                  count: l.endNo - l.startNo + 1,
                })),
          checks,
          canApprove: checks.every((c) => c.ok),
          canIssueNow: kind === 'application' && issuable && can(actor, 'application.issue') && checks.every((c) => c.ok),
        });
      }
      return { items, total, page: q.page, pageSize: q.pageSize, byKind };
    },
  };
}
export type ApprovalsInbox = ReturnType<typeof makeApprovalsInbox>;
