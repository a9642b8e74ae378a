export const TICKET_SOURCES = ['bot', 'fault', 'alert', 'phone', 'fax', 'network', 'walk_in', 'inspection'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export const TICKET_STATES = ['new', 'acknowledged', 'in_progress', 'waiting_user', 'resolved', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TICKET_STATE_NAMES: Record<TicketState, string> = {
  new: '待处理',
  acknowledged: '已响应',
  in_progress: '处理中',
  waiting_user: '等待您补充信息',
  resolved: '已解决',
  closed: '已关闭',
};

export const PRIORITY_NAMES: Record<Priority, string> = { urgent: '紧急', high: '高', normal: '普通', low: '低' };

/** Computes when a clock is due (the SLA engine implements it; injected so the desk stays testable). */
export type DueCalculator = (receivedAt: Date, kind: 'response' | 'onsite') => Promise<DueAnswer> | DueAnswer;
export interface DueAnswer {
  dueAt: Date;
  rule: string;
}
