// The approve and return calls of each document the inbox lists: one typed path per kind, so a
// renamed endpoint fails the type-check. The server decides; these only send what the operator chose.
import { api, type ResponseOf } from '../../shared/http';

export type ApprovalItem = ResponseOf<'/api/v1/approvals', 'get'>['items'][number];
export type ApprovalKind = ApprovalItem['kind'];
export type WriteoffResult = '良好' | '合格' | '问题' | '整改通过';

export const KIND_NAMES: Record<ApprovalKind, string> = {
  application: '申领',
  writeoff: '核销',
  return: '申退',
  stock_void: '库存作废',
  destruction: '销毁',
};

export const LINE_KIND_NAMES: Record<string, string> = {
  used: '已开',
  voided: '作废',
  lost: '灭失',
  return: '退回',
  stock_void: '库存作废',
  destroy: '销毁',
  issue: '发放',
};

/** Approves a document of any kind (a write-off with its result); the opinion may be empty except on return. */
export async function approve(kind: ApprovalKind, id: number, opinion: string, result?: WriteoffResult): Promise<void> {
  const body = opinion ? { opinion } : {};
  const path = { id };
  switch (kind) {
    case 'application':
      await api.post('/api/v1/applications/{id}/approve', { path, body, quiet: true });
      return;
    case 'writeoff':
      await api.post('/api/v1/writeoffs/{id}/approve', { path, body: { ...body, ...(result ? { result } : {}) }, quiet: true });
      return;
    case 'return':
      await api.post('/api/v1/returns/{id}/approve', { path, body, quiet: true });
      return;
    case 'stock_void':
      await api.post('/api/v1/stock-voids/{id}/approve', { path, body, quiet: true });
      return;
    case 'destruction':
      await api.post('/api/v1/destructions/{id}/approve', { path, body, quiet: true });
      return;
  }
}

/** Returns (退回) a document with the opinion the unit will read. */
export async function reject(kind: ApprovalKind, id: number, opinion: string): Promise<void> {
  const body = { opinion };
  const path = { id };
  switch (kind) {
    case 'application':
      await api.post('/api/v1/applications/{id}/reject', { path, body, quiet: true });
      return;
    case 'writeoff':
      await api.post('/api/v1/writeoffs/{id}/reject', { path, body, quiet: true });
      return;
    case 'return':
      await api.post('/api/v1/returns/{id}/reject', { path, body, quiet: true });
      return;
    case 'stock_void':
      await api.post('/api/v1/stock-voids/{id}/reject', { path, body, quiet: true });
      return;
    case 'destruction':
      await api.post('/api/v1/destructions/{id}/reject', { path, body, quiet: true });
      return;
  }
}

/** Issues an approved application: the ranges handed over, lowest numbers first. */
export function issue(id: number) {
  return api.post('/api/v1/applications/{id}/issue', { path: { id }, quiet: true });
}
export type IssueResult = ResponseOf<'/api/v1/applications/{id}/issue', 'post'>;
