import { DomainError } from '../../domain/errors';
import type { Actor } from '../../domain/identity/actor';
import { can } from '../../domain/policy';
import { shanghaiTime } from './format';
import type { BotServices } from './types';

export type CommandAction = 'reply' | 'resolve' | 'dispatch' | 'arrive' | 'wait' | 'claim';

export interface EngineerCommand {
  ticketId: number;
  action: CommandAction;
  /** Reply text, the optional note of resolve/dispatch/arrive, or what the engineer waits for. */
  text?: string;
}

const VERBS: Array<[RegExp, CommandAction]> = [
  [/^(?:已解决|解决|已处理|处理完毕|关闭)(?:[\s:：,，]+([\s\S]+))?$/u, 'resolve'],
  // 出发 is the dispatch decision the on-site clock runs from (service-desk.md: arrive within 8 hours of it).
  [/^(?:现场|上门|去现场|到现场|出发|已出发|派员)了?(?:[\s:：,，]+([\s\S]+))?$/u, 'dispatch'],
  [/^(?:到达|已到达|到场|已到场)了?(?:[\s:：,，]+([\s\S]+))?$/u, 'arrive'],
  [/^(?:等待|等待用户|待补充|等用户)(?:[\s:：,，]+([\s\S]+))?$/u, 'wait'],
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

/** The ticket card's buttons (bot.md: 认领, 出发, 到达, 已解决) by key prefix. */
const CARD_ACTIONS: Record<string, CommandAction> = { claim: 'claim', depart: 'dispatch', arrive: 'arrive', resolve: 'resolve' };

/** A template-card button key (`claim:12`, `depart:12`, `arrive:12`, `resolve:12`) as a command. */
export function parseCardKey(key: string | undefined): EngineerCommand | null {
  const m = /^(claim|depart|arrive|resolve):(\d{1,9})$/.exec(key ?? '');
  return m ? { ticketId: Number(m[2]), action: CARD_ACTIONS[m[1]] } : null;
}

/** What the engineer waits for when `#id 等待` names nothing: the reporter reads it. */
const DEFAULT_WAIT_REASON = '请补充问题的详细情况（报错提示截图、操作步骤或单据号），工程师收到后继续处理。';

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
    const t = await tickets.dispatch(actor, id, text);
    return `已记录工单 #${id} 派员出发，请在 ${shanghaiTime(t.onsiteDueAt)} 前到场；到达后发“#${id} 到达”。`;
  },
  async arrive(tickets, actor, id, text) {
    const t = await tickets.arrive(actor, id, text);
    return `已登记工单 #${id} 于 ${shanghaiTime(t.arrivedAt)} 到场。处理完发“#${id} 解决”。`;
  },
  async wait(tickets, actor, id, text) {
    await tickets.wait(actor, id, text ?? DEFAULT_WAIT_REASON);
    return `工单 #${id} 已转为等待用户补充，时限暂停计算，已请提问人补充信息；对方回复后自动恢复处理。`;
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
    return '抱歉，工单指令（#工单号 回复/认领/出发/到达/等待/解决）仅供驻场工程师使用。如需补充您的问题，请直接发送文字，我会转给工程师。';
  }
  try {
    return await ACTIONS[cmd.action](tickets, actor, cmd.ticketId, cmd.text);
  } catch (err) {
    // Not found, already resolved, text too long …: the service's message is written for people.
    if (err instanceof DomainError) return `工单 #${cmd.ticketId}：${err.message}`;
    throw err;
  }
}
