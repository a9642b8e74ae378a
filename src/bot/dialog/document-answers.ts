import type { IssuedRun } from '../../domain/documents/document-lookup';
import type { DocumentView } from '../../domain/documents/document.views';
import type { IssueReadiness } from '../../domain/documents/issue-readiness';
import { nullIfRefused } from './refusals';
import type { DocStatus, DocType } from '../../domain/ledger/ledger.types';
import { periodText, runText, shanghaiDay } from './format';
import type { Scope } from './scope';
import type { DialogDeps, Turn } from './types';

export type StatusIntent = 'application.status' | 'writeoff.status' | 'destruction.status';

interface DocKind {
  docType: DocType;
  label: string;
  next: Partial<Record<DocStatus, string>>;
}

const KINDS: Record<StatusIntent, DocKind> = {
  'application.status': {
    docType: 'application',
    label: '申领单',
    next: {
      draft: '尚未提交，请在系统中核对后点「提交」。',
      submitted: '等待{{bureau.billOffice}}审核，审核结果会在系统中显示。',
      approved: '已审核通过，等待{{bureau.billOffice}}发放。',
      returned: '请按审核意见修改后在系统中重新提交。',
      issued: '已发放到本单位，请在系统中核对号段后使用。',
      cancelled: '已作废，不再发放；如仍需领用请重新申领。',
    },
  },
  'writeoff.status': {
    docType: 'writeoff',
    label: '核销单',
    next: {
      draft: '已撤销上报，号码已回到本单位库存；修改后可重新上报。',
      submitted: '等待{{bureau.billOffice}}审核，期间这些号码不能再办理其他业务。',
      approved: '核销已完成，存根请按规定保管，保存期满后方可申请销毁。',
      returned: '退回的号码已回到本单位库存，请按审核意见修改后在系统中重新上报。',
    },
  },
  'destruction.status': {
    docType: 'destruction',
    label: '销毁单',
    next: {
      submitted: '等待{{bureau.billOffice}}审核。',
      approved: '已审核通过并登记销毁，待财政局和单位双方登记造册、监销确认。',
      returned: '请按审核意见修改后重新提交。',
      completed: '销毁已完成，双方均已确认。',
    },
  },
};

const PREFIX_INTENT: Record<string, StatusIntent> = { SL: 'application.status', HX: 'writeoff.status', XH: 'destruction.status' };

/** The status intent a document number belongs to (HX-… is a write-off whatever the wording). */
export function intentForDocumentNo(docNo: string | undefined, fallback: StatusIntent): StatusIntent {
  return (docNo && PREFIX_INTENT[docNo.slice(0, 2).toUpperCase()]) || fallback;
}

/** Statuses whose opinion is the bureau's word to the unit (a reduction stays approved, a 作废 is cancelled). */
const REVIEWED: ReadonlySet<DocStatus> = new Set(['approved', 'returned', 'cancelled']);

/** The next step of an approved application that waits: the real reason, in counts only (no warehouse batches). */
function issueWait(w: IssueReadiness): string {
  if (w.sufficient) return '已审核通过，{{bureau.billOffice}}正在安排发放。';
  const stock = w.available === 0 ? '财政库存目前暂无该种票据' : `财政库存目前只有 ${w.available} 份，不足 ${w.requested} 份`;
  return `已审核通过；${stock}，待入库后发放。`;
}

/** What each approved application of the answer waits for (the others need no reason). */
async function readinessOf(deps: DialogDeps, turn: Turn, docs: DocumentView[]): Promise<Map<number, IssueReadiness>> {
  const out = new Map<number, IssueReadiness>();
  for (const d of docs.filter((x) => x.status === 'approved')) {
    const w = await deps.services.issueReadiness.of(turn.actor, d.id).catch(nullIfRefused);
    if (w) out.set(d.id, w);
  }
  return out;
}

function docLine(kind: DocKind, d: DocumentView, issued?: IssuedRun[], waiting?: IssueReadiness): string[] {
  const lines = [`${kind.label} ${d.docNo}（${d.billTypeName} ${d.quantity} 份）：${d.statusName}`];
  const dates = [`提交 ${shanghaiDay(d.submittedAt ?? d.createdAt)}`];
  if (d.reviewedAt) dates.push(`审核 ${shanghaiDay(d.reviewedAt)}`);
  lines.push(`  ${dates.join('；')}${d.result ? `；审核结果：${d.result}` : ''}`);
  const reviewer = d.transitions?.filter((t) => t.opinion && REVIEWED.has(t.toStatus)).at(-1);
  if (reviewer?.opinion) lines.push(`  审核意见：${reviewer.opinion}${reviewer.actorName ? `（${reviewer.actorName}）` : ''}`);
  else if (d.opinion && REVIEWED.has(d.status)) lines.push(`  审核意见：${d.opinion}`);
  for (const r of (issued ?? []).slice(0, 5))
    lines.push(`  发放号段：票据代码 ${r.batchCode}：${runText(r.startNo, r.endNo)}（${r.count} 份）`);
  const next = waiting ? issueWait(waiting) : kind.next[d.status];
  if (next) lines.push(`  下一步：${next}`);
  return lines;
}

/** application/writeoff/destruction.status: the asker's documents with status, opinions and the next step. */
export async function answerDocuments(deps: DialogDeps, turn: Turn, scope: Scope, intent: StatusIntent): Promise<string> {
  const kind = KINDS[intent];
  const service = {
    'application.status': deps.services.applications,
    'writeoff.status': deps.services.writeoffs,
    'destruction.status': deps.services.destructions,
  }[intent];
  const docNo = turn.entities.documentNo;
  let docs: DocumentView[];
  let header: string;
  if (docNo) {
    const found = await deps.services.documentLookup.byNumber(kind.docType, docNo);
    // Another unit's document reads exactly like a missing one: its existence is not disclosed.
    const visible = found && (scope.kind !== 'unit' || found.unitId === scope.unit.id);
    const doc = visible ? await service.get(turn.actor, found.id).catch(nullIfRefused) : null;
    if (!doc)
      return `没有找到${scope.kind === 'unit' ? '本单位' : ''}编号为 ${docNo} 的${kind.label}，请确认单号（例如 ${kind.docType === 'application' ? 'SL' : kind.docType === 'writeoff' ? 'HX' : 'XH'}-2026-000001）。`;
    docs = [doc];
    header = `${kind.label} ${doc.docNo} 的办理情况：`;
  } else {
    const { billType, period, latest } = turn.entities;
    const q = {
      page: 1,
      // 上一次: the newest only.
      pageSize: latest ? 1 : 3,
      billTypeCode: billType?.code,
      // 上周/一季度/11月3日: submitted within that range (Beijing calendar days).
      ...(period ? { submittedFrom: period.from, submittedTo: period.to } : {}),
      ...(scope.kind === 'unit' ? { unitCode: scope.unit.code } : { status: 'submitted' as const }),
    };
    const page = await service.list(turn.actor, q);
    const when = period ? `${periodText(period)}提交的` : '';
    const what = `${billType ? `「${billType.name}」` : ''}${kind.label}`;
    if (page.items.length === 0) {
      if (scope.kind !== 'unit') return `目前没有${when}待审核的${what}。如需查询某个单位，请写明单位全称。`;
      return `${scope.unit.name}${period ? `没有${when}${what}` : `目前没有${what}记录`}。可在{{system.name}}中办理，办理流程可以直接问我。`;
    }
    // The newest carries the reviewer's name and full opinion history; older ones their latest opinion.
    const [first, ...rest] = page.items;
    docs = [await service.get(turn.actor, first.id), ...rest];
    header =
      scope.kind === 'unit'
        ? latest
          ? `${scope.unit.name}最近一次${when ? `（${when.slice(0, -3)}）` : ''}的${what}：`
          : `${scope.unit.name}${when || '最近的'}${what}（共 ${page.total} 份，显示最近 ${docs.length} 份）：`
        : `${when}待审核的${what}共 ${page.total} 份，最近 ${docs.length} 份：`;
  }
  const applications = intent === 'application.status';
  const issued = applications
    ? await deps.services.documentLookup.issuedRuns(docs.filter((d) => d.status === 'issued').map((d) => d.id))
    : new Map<number, IssuedRun[]>();
  const waiting = applications ? await readinessOf(deps, turn, docs) : new Map<number, IssueReadiness>();
  return [header, ...docs.flatMap((d) => docLine(kind, d, issued.get(d.id), waiting.get(d.id)))].join('\n');
}
