import type { Repositories } from '../db/repositories';
import type { BillDocument } from './bill-document.entity';

/**
 * Tells a unit's staff (those with a WeCom id) what the bureau did to their application, through the
 * outbox inside the same transaction: the change and its notice land together or not at all. The
 * key makes a retried request queue the notice once.
 */
export async function noticeToUnit(
  tx: Pick<Repositories, 'identity' | 'outbox'>,
  doc: BillDocument,
  key: string,
  content: string,
  now: Date,
): Promise<number> {
  if (doc.unitId === null) return 0;
  const staff = await tx.identity.activeWithRole('unit_staff', { unitIds: [doc.unitId], withWecomId: true });
  const to = staff.map((u) => u.wecomUserId!).filter(Boolean);
  if (to.length === 0) return 0;
  await tx.outbox.enqueue(`application-${doc.id}-${key}`, { channel: 'app', toUsers: to, kind: 'text', content }, now);
  return to.length;
}
