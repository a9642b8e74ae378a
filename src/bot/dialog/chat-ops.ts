import { DRAFT_TTL_MS } from '../../domain/cards/card.service';
import type { BotCard } from '../../domain/cards/card.entity';
import type { ChatCard } from '../../domain/cards/card-view';
import { runText } from '../../domain/cards/review-cards';
import { DomainError } from '../../domain/errors';
import type { Actor } from '../../domain/identity/actor';
import { createApplicationSchema } from '../../domain/ledger/ledger.schemas';
import { can } from '../../domain/policy';
import { parseQuantity, parseRuns, type NumberRun } from '../nlp/chat-ops-parse';
import { cardButton, type ButtonHandler } from './buttons';
import type { Answer, HandlerInput, IntentHandler } from './handlers';
import type { BotServices } from './types';

const CONFIRM_BUTTONS = [
  { key: 'confirm:{task}', text: '确认提交' },
  { key: 'cancel:{task}', text: '取消' },
];
const RUN_NAMES: Record<NumberRun['kind'], string> = { used: '已开', voided: '作废', lost: '灭失' };

/** A unit's draft: stored with its card (30 minutes), the card queued to the member in WeCom, shown in the API's answer. */
async function draft(i: HandlerInput, action: string, input: Record<string, unknown>, view: ChatCard, reply: string): Promise<Answer> {
  const { sender } = i.turn;
  const opened = await i.deps.services.cards.open({
    kind: 'draft',
    action,
    ownerUserId: sender.actor.userId,
    recipients: sender.wecomUserId ? [sender.wecomUserId] : [],
    payload: { input },
    view,
    expiresAt: new Date(i.turn.receivedAt.getTime() + DRAFT_TTL_MS),
  });
  return { reply: `${reply}\n请在卡片上点「确认提交」（30 分钟内有效），不需要就点「取消」。`, card: opened.view };
}

/** Only unit staff act for their own unit by chat; the bureau works on the workbench. */
function unitOnly(actor: Actor, permission: 'application.create' | 'writeoff.report', what: string): string | null {
  if (actor.role !== 'unit_staff' || actor.unitId === null || !can(actor, permission)) {
    return `${what}需由单位经办人在企业微信中发起；财政局工作人员请在工作台办理。`;
  }
  return null;
}

const refused = (err: unknown): Answer => {
  if (err instanceof DomainError) return { reply: err.message };
  throw err;
};

/** 「帮我申领医疗票2000份」: what would be submitted, what blocks it, and a confirmation card. */
export const applicationSubmit: IntentHandler = {
  async answer(i) {
    const { actor } = i.turn;
    const no = unitOnly(actor, 'application.create', '申领');
    if (no) return { reply: no };
    const bt = i.turn.entities.billType;
    const quantity = parseQuantity(i.turn.text);
    if (!bt) return { reply: '请告诉我要申领的票种和数量，例如“申领医疗票2000份”。' };
    if (quantity === null) return { reply: `请告诉我申领数量，例如“申领${bt.name}2000份”。` };
    try {
      const p = await i.deps.services.cardActions.previewApplication(actor, bt.code, quantity);
      const input = { unitCode: p.unitCode, billTypeCode: p.billTypeCode, quantity };
      const checked = createApplicationSchema.safeParse(input);
      if (!checked.success) return { reply: `申领数量 ${quantity} 份不符合要求：${checked.error.issues[0].message}` };
      const what = `单位：${p.unitName}\n票种：${p.billTypeName}\n数量：${quantity} 份`;
      if (p.blockers.length > 0) {
        return { reply: `您要申领的内容如下：\n${what}\n按现行规则暂不能提交：\n${p.blockers.map((b) => `· ${b}`).join('\n')}` };
      }
      const warn = p.warehouseShort ? ['提示：财政库存暂不足，提交后需待入库才能审核发放。'] : [];
      const view: ChatCard = {
        title: '申领确认',
        lines: [`单位：${p.unitName}`, `票种：${p.billTypeName}`, `数量：${quantity} 份`, '规则检查：分次限量、核旧领新均符合', ...warn],
        buttons: CONFIRM_BUTTONS,
      };
      return draft(i, 'application.submit', input, view, `将为您提交申领单：\n${what}\n分次限量、核旧领新检查均符合。${warn.join('')}`);
    } catch (err) {
      return refused(err);
    }
  },
};

/** 「撤回申领 SL-…」: the application named (or the unit's latest submitted one), after a confirmation. */
export const applicationWithdraw: IntentHandler = {
  async answer(i) {
    const { actor } = i.turn;
    const no = unitOnly(actor, 'application.create', '撤回申领');
    if (no) return { reply: no };
    const named = i.turn.entities.documentNo?.startsWith('SL-') ? i.turn.entities.documentNo : null;
    try {
      const doc = await i.deps.services.cardActions.withdrawable(actor, named);
      if (!doc) return { reply: named ? `没有找到本单位的申领单 ${named}，请核对单号。` : '本单位没有已提交、待审核的申领单可以撤回。' };
      if (doc.status !== 'submitted') {
        return { reply: `申领单 ${doc.docNo} 当前不是“待审核”状态，不能撤回；只有已提交、尚未审核的申领单可以撤回。` };
      }
      const view: ChatCard = {
        title: '撤回申领确认',
        lines: [`单号：${doc.docNo}`, `票种：${doc.billTypeName}`, `数量：${doc.quantity} 份`, '撤回后单据回到草稿，可修改后重新上报'],
        buttons: CONFIRM_BUTTONS,
      };
      return draft(
        i,
        'application.withdraw',
        { id: doc.id, docNo: doc.docNo },
        view,
        `将撤回申领单 ${doc.docNo}（「${doc.billTypeName}」${doc.quantity} 份）。`,
      );
    } catch (err) {
      return refused(err);
    }
  },
};

/** 「核销 医疗票 已用 0000001-0000300 作废 0000301-0000305」: runs checked against the unit's stock, then a card. */
export const writeoffSubmit: IntentHandler = {
  async answer(i) {
    const { actor } = i.turn;
    const no = unitOnly(actor, 'writeoff.report', '核销上报');
    if (no) return { reply: no };
    const bt = i.turn.entities.billType;
    if (!bt) return { reply: '请写明票种和号段，例如“核销 医疗票 已用 0000001-0000300 作废 0000301-0000305”。' };
    const { runs, error } = parseRuns(i.turn.text.replace(bt.name, ' '));
    if (error) return { reply: `${error}没有提交任何内容。` };
    if (runs.length === 0) return { reply: `请写明要核销的号段，例如“核销 ${bt.name} 已用 0000001-0000300 作废 0000301-0000305”。` };
    try {
      const p = await i.deps.services.cardActions.previewWriteoff(actor, bt.code, runs);
      if ('problem' in p) return { reply: `${p.problem}没有提交任何内容。` };
      const total = runs.reduce((n, r) => n + r.endNo - r.startNo + 1, 0);
      const byKind = (['used', 'voided', 'lost'] as const)
        .filter((k) => p.input[k].length > 0)
        .map((k) => `${RUN_NAMES[k]}：${p.input[k].map((l) => runText(l, false)).join('，')}`);
      const view: ChatCard = {
        title: '核销上报确认',
        lines: [`单位：${p.unitName}`, `票种：${p.billTypeName}`, ...byKind, `合计：${total} 份`, '号码核对：均在本单位库存中'],
        buttons: CONFIRM_BUTTONS,
      };
      return draft(
        i,
        'writeoff.submit',
        p.input,
        view,
        `将为您上报核销：\n票种：${p.billTypeName}\n${byKind.join('\n')}\n合计 ${total} 份，号码均在本单位库存中。`,
      );
    } catch (err) {
      return refused(err);
    }
  },
};

/** The card as it now stands: its lines, the outcome, no buttons. */
const settledView = (card: BotCard, outcome: string): ChatCard => {
  const view = card.payload.view as ChatCard | undefined;
  return { title: view?.title ?? '卡片', lines: [...(view?.lines ?? []), `结果：${outcome}`], buttons: [] };
};

type Actions = BotServices['cardActions'];

/** Card buttons by the key's action: drafts (确认提交, 取消) and reviews (通过, 通过并发放, 退回). */
export function chatOpsButtons(): Record<string, ButtonHandler> {
  const act = (run: (a: Actions, actor: Actor, card: BotCard) => ReturnType<Actions['confirm']>) =>
    cardButton(async (p) => {
      const r = await run(p.deps.services.cardActions, p.sender.actor, p.card);
      return { reply: r.reply, card: settledView(p.card, r.outcome) };
    });
  return {
    confirm: act((a, actor, card) => a.confirm(actor, card)),
    cancel: cardButton(async (p) => {
      if (p.card.kind !== 'draft') return { reply: '该卡片没有取消操作。', card: null };
      await p.deps.services.cards.close(p.card, p.sender.actor, '已取消');
      return { reply: '已取消，没有提交任何内容。', card: settledView(p.card, '已取消') };
    }),
    approve: act((a, actor, card) => a.approve(actor, card, { issue: false })),
    approve_issue: act((a, actor, card) => a.approve(actor, card, { issue: true })),
    return: cardButton(async (p) => {
      const docNo = typeof p.card.payload.docNo === 'string' ? p.card.payload.docNo : '';
      if (p.card.kind !== 'review' || !docNo) return { reply: '该卡片没有退回操作。', card: null };
      return {
        reply: `请回复“#${docNo} 退回 退回原因”写明退回意见（例如：#${docNo} 退回 数量超出本季度用量），单位会收到该意见。`,
        card: null,
      };
    }),
  };
}

const REVIEW_COMMAND = /^[#＃]\s*((?:SL|HX|ST|ZF|XH)-\d{4}-\d{2,8})\s*(退回|驳回)(?:[\s:：,，]+([\s\S]*))?$/iu;

/** `#SL-2026-000123 退回 原因…`: the operator's return with its opinion; null when the text is not one. */
export async function runReviewCommand(services: BotServices, actor: Actor, text: string): Promise<string | null> {
  const m = REVIEW_COMMAND.exec(text.trim().normalize('NFKC'));
  if (!m) return null;
  const docNo = m[1].toUpperCase();
  const opinion = (m[3] ?? '').trim();
  if (!opinion) return `请写明退回原因，例如“#${docNo} 退回 数量超出本季度用量”。`;
  if (opinion.length > 500) return '退回意见最多 500 字，请精简后再发。';
  try {
    return (await services.cardActions.reject(actor, docNo, opinion)).reply;
  } catch (err) {
    if (err instanceof DomainError) return `${docNo}：${err.message}`;
    throw err;
  }
}
