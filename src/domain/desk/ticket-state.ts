import { ConflictError } from '../errors';
import type { TicketState } from './desk.types';
import type { Ticket } from './ticket.entity';

/** What can be done to a ticket; each action is allowed from some states only. */
export type TicketAction =
  'claim' | 'assign' | 'reply' | 'info' | 'resolve' | 'dispatch' | 'arrive' | 'wait' | 'resume' | 'reopen' | 'close';

const OPEN: TicketState[] = ['new', 'acknowledged', 'in_progress', 'waiting_user'];

/** The life cycle (service-desk.md): new → acknowledged → in_progress ⇄ waiting_user → resolved → closed; resolved → reopened. */
const ALLOWED: Record<TicketAction, readonly TicketState[]> = {
  claim: OPEN,
  assign: OPEN,
  reply: [...OPEN, 'resolved'],
  info: [...OPEN, 'resolved'],
  resolve: OPEN,
  dispatch: OPEN,
  arrive: OPEN,
  wait: ['new', 'acknowledged', 'in_progress'],
  resume: ['waiting_user'],
  reopen: ['resolved'],
  close: ['resolved'],
};

/** States as the desk (not the reporter) reads them. */
export const DESK_STATE_NAMES: Record<TicketState, string> = {
  new: '待响应',
  acknowledged: '已响应',
  in_progress: '处理中',
  waiting_user: '等待用户补充',
  resolved: '已解决',
  closed: '已关闭',
};

const ACTION_NAMES: Record<TicketAction, string> = {
  claim: '认领',
  assign: '分派',
  reply: '回复',
  info: '补充信息',
  resolve: '标记解决',
  dispatch: '派员现场处理',
  arrive: '登记到场',
  wait: '转为等待用户',
  resume: '恢复处理',
  reopen: '重新打开',
  close: '关闭',
};

/** The ticket's state open (not resolved or closed)? */
export const isOpen = (s: TicketState): boolean => OPEN.includes(s);

/** Throws a ConflictError naming the state when the action is not allowed from it. */
export function assertAllowed(t: Ticket, action: TicketAction): void {
  if (!ALLOWED[action].includes(t.state)) {
    throw new ConflictError('STATE_NOT_ALLOWED', `工单 #${t.id} 当前为“${DESK_STATE_NAMES[t.state]}”，不能${ACTION_NAMES[action]}`);
  }
}
