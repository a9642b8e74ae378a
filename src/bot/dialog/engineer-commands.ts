import { DomainError } from '../../domain/errors';
import type { Actor } from '../../domain/identity/actor';
import { can } from '../../domain/policy';
import type { BotServices } from './types';

export type CommandAction = 'reply' | 'resolve' | 'dispatch' | 'claim';

export interface EngineerCommand {
  ticketId: number;
  action: CommandAction;
  /** Reply text, or the optional note of resolve/dispatch. */
  text?: string;
}

const VERBS: Array<[RegExp, CommandAction]> = [
  [/^(?:已解决|解决|已处理|处理完毕|关闭)(?:[\s:：,，]+([\s\S]+))?$/u, 'resolve'],
  [/^(?:现场|上门|去现场|到现场)(?:[\s:：,，]+([\s\S]+))?$/u, 'dispatch'],
  [/^(?:认领|接单|领取)$/u, 'claim'],
];

/**
 * `#123 回复内容` relays text; `#123 解决`, `#123 现场`, `#123 认领` change the ticket. A bare `#123`
 * is not a command (it asks for the ticket's status).
 */
export function parseCommand(text: string): EngineerCommand | null {
  // Only the "#123" prefix is normalised (full-width ＃１２３ typed on a phone); the reply keeps its
  // Chinese punctuation exactly as the engineer wrote it.
  const m = /^[#＃]\s*([0-9０-９]{1,9})(?:\s+|[:：,，]\s*)([\s\S]+)$/u.exec(text.trim());
  if (!m) return null;
  const ticketId = Number(m[1].normalize('NFKC'));
  const rest = m[2].trim();
  if (!rest) return null;
  for (const [re, action] of VERBS) {
    const v = re.exec(rest);
    if (v) return { ticketId, action, text: v[1]?.trim() || undefined };
  }
  return { ticketId, action: 'reply', text: rest };
}

/** A template-card button key (`claim:12`, `resolve:12`) as a command. */
export function parseCardKey(key: string | undefined): EngineerCommand | null {
  const m = /^(claim|resolve):(\d{1,9})$/.exec(key ?? '');
  return m ? { ticketId: Number(m[2]), action: m[1] as CommandAction } : null;
}

/** Who may drive tickets from WeCom: the desk roles the ticket service accepts. */
export const isDeskRole = (actor: Actor): boolean => can(actor, 'ticket.handle');

type Tickets = BotServices['tickets'];

/** What each command does through the ticket service, and the sentence the engineer gets back. */
const ACTIONS: Record<CommandAction, (tickets: Tickets, actor: Actor, id: number, text: string | undefined) => Promise<string>> = {
  async reply(tickets, actor, id, text) {
    const t = await tickets.reply(actor, id, text ?? '');
    return `已将您的回复转给${t.reporterName ?? '提问人'}（工单 #${id}）。${t.reporterWecomId ? '' : '该工单没有企业微信提问人，回复仅记录在工单中。'}`;
  },
  async resolve(tickets, actor, id, text) {
    await tickets.resolve(actor, id, text);
    return `工单 #${id} 已标记为已解决，已通知提问人。`;
  },
  async dispatch(tickets, actor, id, text) {
    await tickets.dispatch(actor, id, text);
    return `已记录工单 #${id} 现场处理，到场时限已开始计算，已通知提问人。`;
  },
  async claim(tickets, actor, id) {
    await tickets.claim(actor, id);
    return `已认领工单 #${id}。回复提问人请发“#${id} 回复内容”，处理完发“#${id} 解决”。`;
  },
};

/**
 * Runs a command for a desk user through the ticket service; every outcome is a Chinese sentence.
 * `actor` acts and is recorded; `sender` is whose conversation it is (an admin testing as a member
 * gets that member's answer — a unit user is refused — but never acts in their name).
 */
export async function runCommand(tickets: Tickets, actor: Actor, cmd: EngineerCommand, sender: Actor = actor): Promise<string> {
  if (!isDeskRole(sender) || !isDeskRole(actor)) {
    return '抱歉，工单指令（#工单号 回复/解决/现场/认领）仅供驻场工程师使用。如需补充您的问题，请直接发送文字，我会转给工程师。';
  }
  try {
    return await ACTIONS[cmd.action](tickets, actor, cmd.ticketId, cmd.text);
  } catch (err) {
    // Not found, already resolved, text too long …: the service's message is written for people.
    if (err instanceof DomainError) return `工单 #${cmd.ticketId}：${err.message}`;
    throw err;
  }
}
