import type { DocumentView } from '../../domain/documents/document.views';
import { nullIfRefused } from './refusals';
import type { DialogDeps, Turn, UnitRef } from './types';

const KINDS: Record<
  string,
  { service: 'applications' | 'writeoffs' | 'destructions'; docType: 'application' | 'writeoff' | 'destruction'; label: string }
> = {
  'faq.writeoff.rejected': { service: 'writeoffs', docType: 'writeoff', label: '核销单' },
  'faq.apply.process': { service: 'applications', docType: 'application', label: '申领单' },
  'faq.destroy.process': { service: 'destructions', docType: 'destruction', label: '销毁单' },
};

/** The document a "怎么改" refers to: the one named in the previous turn, else the unit's latest returned one. */
async function documentOf(deps: DialogDeps, turn: Turn, unit: UnitRef, intent: string): Promise<DocumentView | null> {
  const kind = KINDS[intent];
  if (!kind) return null;
  const service = deps.services[kind.service];
  const docNo = turn.entities.documentNo;
  if (docNo) {
    const found = await deps.services.documentLookup.byNumber(kind.docType, docNo);
    if (found && found.unitId === unit.id) return service.get(turn.actor, found.id).catch(nullIfRefused);
  }
  const page = await service.list(turn.actor, { page: 1, pageSize: 1, unitCode: unit.code, status: 'returned' });
  const first = page.items[0];
  return first ? service.get(turn.actor, first.id).catch(nullIfRefused) : null;
}

/** What to change on the returned document (its number and the reviewer's opinion), then how to resubmit. */
export async function answerFix(deps: DialogDeps, turn: Turn, unit: UnitRef, intent: string, how: string): Promise<string> {
  const doc = await documentOf(deps, turn, unit, intent);
  if (!doc || doc.status !== 'returned') return how;
  const label = KINDS[intent].label;
  const opinion = doc.transitions?.filter((t) => t.toStatus === 'returned' && t.opinion).at(-1)?.opinion ?? doc.opinion;
  const head = `${label} ${doc.docNo}（${doc.billTypeName} ${doc.quantity} 份）已被退回${opinion ? `，审核意见：${opinion}` : ''}。请按意见修改后重新提交：`;
  return `${head}\n${how}`;
}
