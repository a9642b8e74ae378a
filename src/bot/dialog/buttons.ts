import type { BotCard } from '../../domain/cards/card.entity';
import type { ChatCard } from '../../domain/cards/card-view';
import { DomainError } from '../../domain/errors';
import type { WecomSender } from '../../domain/identity/user.service';
import type { ButtonPress, ButtonResult } from '../../domain/ports/bot';
import { isDeskRole, parseCardKey, runCommand } from './engineer-commands';
import type { DialogDeps } from './types';

/** One press, after the presser is known. */
export interface PressContext {
  deps: DialogDeps;
  sender: WecomSender;
  /** What follows the action in the key (`approve:<task_id>` → the task_id). */
  ref: string;
  press: ButtonPress;
}

export type ButtonHandler = (p: PressContext) => Promise<ButtonResult>;

/** A press on a card we keep a record of: the card is loaded, open, unexpired and the presser allowed. */
export type CardButtonHandler = (p: PressContext & { card: BotCard }) => Promise<ButtonResult>;

const text = (reply: string, card: ChatCard | null = null): ButtonResult => ({ reply, card });

/**
 * The checks every card button shares, in order: the card exists; it is still open (a second
 * press, or a press after another operator acted, does nothing but say what happened); it has not
 * expired (a draft lives 30 minutes); a draft is confirmed only by its author.
 */
export function cardButton(handler: CardButtonHandler): ButtonHandler {
  return async (p) => {
    const cards = p.deps.services.cards;
    const card = await cards.byTaskId(p.ref);
    if (!card) return text('该卡片已失效，请重新发起。');
    // The presser's ResponseCode updates their copy once the card settles (theirs or someone else's action).
    if (p.press.responseCode && p.sender.wecomUserId && card.recipients.includes(p.sender.wecomUserId)) {
      await cards.keepEventCode(card.taskId, p.sender.wecomUserId, p.press.responseCode);
    }
    if (card.state !== 'open') return text(`该事项已处理，无需重复操作：${card.outcome ?? '已处理'}。`);
    if (card.kind === 'draft' && card.ownerUserId !== p.sender.actor.userId) {
      return text('这是其他同事发起的草稿，只有发起人本人可以确认或取消。如需办理，请您自己向我发送申请内容。');
    }
    if (card.expiresAt && card.expiresAt.getTime() <= p.press.receivedAt.getTime()) {
      await cards.close(card, null, '已失效（超过 30 分钟未确认）');
      return text('该草稿已超过 30 分钟未确认，已失效，没有提交任何内容。如仍需办理，请重新发送。');
    }
    return handler({ ...p, card });
  };
}

/** The engineer's ticket card (认领 / 出发 / 到达 / 已解决): the command it names. */
const ticketButton: ButtonHandler = async (p) => {
  const cmd = parseCardKey(p.press.key);
  if (!cmd) return text('无法识别的按钮。');
  // The presser's ResponseCode is kept first, so the change this press makes updates their copy too.
  const card = p.press.responseCode && p.sender.wecomUserId ? await p.deps.services.cards.ofTicket(cmd.ticketId) : null;
  if (card && card.recipients.includes(p.sender.wecomUserId!)) {
    await p.deps.services.cards.keepEventCode(card.taskId, p.sender.wecomUserId!, p.press.responseCode!);
  }
  const actor = p.press.caller ?? p.sender.actor;
  const reply = await runCommand(p.deps.services.tickets, actor, cmd, p.sender.actor);
  // The card as it now stands (the workbench and POST /bot/buttons show it); none for those who may not handle tickets.
  const view = isDeskRole(p.sender.actor) ? await p.deps.services.tickets.cardView(actor, cmd.ticketId).catch(() => null) : null;
  return text(reply, view);
};

/**
 * One dispatcher for every button, keyed by the key's action (`action:ref`): a WeCom
 * template_card_event and POST /bot/buttons both come here, so a press acts the same either way.
 */
export function makeButtonDispatcher(deps: DialogDeps, table: Readonly<Record<string, ButtonHandler>>) {
  const handlers: Record<string, ButtonHandler> = {
    claim: ticketButton,
    depart: ticketButton,
    arrive: ticketButton,
    resolve: ticketButton,
    ...table,
  };
  return {
    async press(press: ButtonPress): Promise<ButtonResult> {
      const m = /^([a-z_]{1,32}):([0-9a-zA-Z_\-@]{1,128})$/.exec(press.key);
      const handler = m && Object.hasOwn(handlers, m[1]) ? handlers[m[1]] : undefined;
      const users = deps.services.users;
      const sender = await (press.userId !== undefined ? users.senderForUser(press.userId) : users.senderForWecom(press.senderId));
      if (!sender) return text('您的企业微信账号尚未登记，请联系财政局票据管理科开通。');
      if (!handler) return text('该按钮已失效，请重新发起。');
      try {
        return await handler({ deps, sender, ref: m![2], press });
      } catch (err) {
        // Refusals (rules, permissions, separation of duties) are written for people.
        if (err instanceof DomainError) return text(err.message);
        throw err;
      }
    },
  };
}
export type ButtonDispatcher = ReturnType<typeof makeButtonDispatcher>;
