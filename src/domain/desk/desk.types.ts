import type { Calendar } from './sla/calendar';

export const TICKET_SOURCES = ['bot', 'fault', 'alert', 'phone', 'fax', 'network', 'walk_in', 'inspection'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

/** Sources a desk user may enter by hand (the others come from the bot and the monitoring job). */
export const MANUAL_SOURCES = ['phone', 'fax', 'network', 'walk_in', 'inspection'] as const;

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

export const CLOCK_KINDS = ['response', 'onsite', 'resolution'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];
export const CLOCK_KIND_NAMES: Record<ClockKind, string> = { response: '响应', onsite: '到场', resolution: '解决' };

/** running → (paused ⇄ running) → met | breached; a breached clock is still stopped later (stoppedAt). */
export type ClockState = 'running' | 'paused' | 'met' | 'breached';
export interface ClockPause {
  from: string;
  to: string | null;
}

/** A clock's due time and its warning instant under the given pauses. */
export interface ClockTiming {
  dueAt: Date;
  warnAt: Date;
  rule: string;
  /** Counted time the pauses removed. */
  pausedMs: number;
}
/** What a clock's timing is computed from: its start, kind, priority, closed pauses and the calendar in force. */
export interface ClockTimingQuery {
  startedAt: Date;
  kind: ClockKind;
  priority?: Priority;
  pauses: Array<{ from: Date; to: Date }>;
  calendar: Calendar;
}
export type ClockTimer = (q: ClockTimingQuery) => ClockTiming;
