import type { Repositories } from '../db/repositories';
import type { Expiry } from '../outbox/outbox.types';
import { PRIORITY_NAMES } from './desk.types';
import type { Ticket } from './ticket.entity';

/** What the notices need of a transaction. */
type NoticeTx = Pick<Repositories, 'identity' | 'outbox'>;

const fmt = (d: Date | null) => (d ? new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '—');

/** WeCom member ids of the active engineers: who receives escalations and alerts is data (api.md). */
export async function engineerRecipients(tx: Pick<Repositories, 'identity'>): Promise<string[]> {
  const rows = await tx.identity.activeWithRole('engineer');
  return rows.map((r) => r.wecomUserId).filter((x): x is string => !!x);
}

/** Queues the engineers' template card for a new or updated ticket (same transaction). */
export async function noticeEngineers(
  tx: NoticeTx,
  t: Ticket,
  unitName: string | null,
  question: string,
  now: Date,
  event: string,
): Promise<void> {
  const to = await engineerRecipients(tx);
  if (to.length === 0) return;
  await tx.outbox.enqueue(
    `ticket-${t.id}-${event}`,
    {
      channel: 'app',
      toUsers: to,
      kind: 'template_card',
      card: {
        card_type: 'button_interaction',
        main_title: { title: `工单 #${t.id}（${PRIORITY_NAMES[t.priority]}）`, desc: unitName ?? '未关联单位' },
        sub_title_text: question.slice(0, 120),
        horizontal_content_list: [
          { keyname: '来源', value: t.source },
          { keyname: '提问人', value: t.reporterName ?? '—' },
          { keyname: '响应时限', value: fmt(t.responseDueAt) },
        ],
        task_id: `ticket-${t.id}-${event}`.slice(0, 128),
        button_list: [
          { text: '认领', style: 1, key: `claim:${t.id}` },
          { text: '已解决', style: 2, key: `resolve:${t.id}` },
        ],
      },
    },
    now,
  );
}

/** Queues a text to the ticket's reporter in WeCom, if the ticket came from WeCom (no expiry: it waits until it can go). */
export async function noticeReporter(
  tx: Pick<Repositories, 'outbox'>,
  t: Ticket,
  key: string,
  text: string,
  now: Date,
  expiry?: Expiry,
): Promise<void> {
  if (!t.reporterWecomId) return;
  await tx.outbox.enqueue(
    `ticket-${t.id}-${key}`,
    { channel: 'app', toUsers: [t.reporterWecomId], kind: 'text', content: text },
    now,
    expiry,
  );
}

export { fmt as formatShanghai };
