import type { Page } from '../common/pagination';
import type { Actor } from '../identity/actor';
import type { KbChange } from '../kb/kb-change.entity';
import type { ApproveChangeInput, ListChangesQuery, NewIntentInput } from '../kb/kb.schemas';
import type { KbIntentView } from '../kb/kb.types';

/** One inbound message, whatever channel it came from. */
export interface InboundText {
  channel: string;
  /** The conversation's address: the WeCom member id (or `user:<id>` for an API user without one). */
  senderId: string;
  /** The sender's account when the channel knows it (a signed-in user through the API): identity by id, not by senderId. */
  userId?: number;
  /**
   * The signed-in user who sent the message in someone else's name (an admin testing as a member):
   * engineer commands run as them, and the exchange log records them.
   */
  caller?: Actor;
  text: string;
  /** Channel message id (WeCom MsgId); null for the API simulator. */
  messageId?: string | null;
  receivedAt: Date;
}

/** A channel event the bot reacts to (WeCom enter_agent, template card clicks). */
export interface InboundEvent {
  channel: string;
  senderId: string;
  event: string;
  eventKey?: string;
  receivedAt: Date;
}

/** What the bot understood in one message (bill type by name or alias, time words, numbers). */
export interface DialogEntities {
  billType?: { code: string; name: string };
  period?: { from: string; to: string; label: string };
  documentNo?: string;
  ticketNo?: string;
  /** 电子票/电子的: the unit's electronic bill types. */
  electronic?: boolean;
  /** 上一次/最近一次: only the newest document or ticket. */
  latest?: boolean;
}

/** What became of a message: the exchange log tells a decline from an escalation (issue 10). */
export type DialogOutcome = 'answered' | 'declined' | 'escalated' | 'command' | 'unregistered' | 'failed';

/** What the bot answers; the API returns it as is (bot.md). */
export interface DialogResult {
  reply: string;
  intent: string;
  score: number;
  escalated: boolean;
  ticketId: number | null;
  entities: DialogEntities;
  outcome: DialogOutcome;
}

/** The conversation as channels see it (the API's simulator endpoint, the WeCom callback). */
export interface BotPort {
  /** Answers one text message; never throws. */
  handleMessage(msg: InboundText): Promise<DialogResult>;
  /** Answers an event; null when the event needs no answer. Never throws. */
  handleEvent(e: InboundEvent): Promise<string | null>;
  /** The polite answer to images, voice, files …. */
  textOnly(): string;
  /** The answer when a channel fails before the bot could answer. */
  fallback(): string;
}

/** A retraining run of the live model. */
export interface KbTrainResult {
  version: string;
  previousVersion: string;
  intents: number;
  fromCache: boolean;
  ms: number;
}

/** One intent of the effective corpus in a search result. */
export interface KbIntentSummary {
  intent: string;
  kind: string;
  description: string;
  utterances: number;
  answers: string[];
  /** Utterances that contain the search text (normalised as the bot normalises questions). */
  matches?: string[];
}

/** The effective corpus searched, and whether the live model was trained on it. */
export interface KbSearchResult {
  version: string;
  liveVersion: string;
  trained: boolean;
  items: KbIntentSummary[];
}

/** An edit, approval or rejection of the knowledge base. */
export type KbEdit =
  | { kind: 'add-intent'; input: NewIntentInput }
  | { kind: 'add-utterances'; intent: string; utterances: string[] }
  | { kind: 'remove-utterances'; intent: string; utterances: string[] }
  | { kind: 'set-answers'; intent: string; answers: string[] }
  | { kind: 'edit-description'; intent: string; description: string }
  | { kind: 'approve'; id: number; input: ApproveChangeInput }
  | { kind: 'reject'; id: number; opinion: string };

/** What an edit answers: the change, the corpus version it leads to, and the training run when one was asked. */
export interface KbEditView {
  change: KbChange;
  version: string;
  liveVersion: string;
  warnings: string[];
  trained: KbTrainResult | null;
}

/** The knowledge base's admin side: browse, edit and review, retrain without restart, export for git. */
export interface KbAdminPort {
  search(q: { q?: string; kind?: string }): Promise<KbSearchResult>;
  intent(actor: Actor, name: string): Promise<KbIntentView & { pending: KbChange[] }>;
  /** `train`: retrain at once when the edit is live (approved), so the bot answers with it. */
  edit(actor: Actor, edit: KbEdit, opts: { train: boolean }): Promise<KbEditView>;
  train(): Promise<KbTrainResult>;
  changes(actor: Actor, q: ListChangesQuery): Promise<Page<KbChange>>;
  exportFiles(
    actor: Actor,
  ): Promise<{ version: string; changeIds: number[]; files: Array<{ path: string; content: string; changed: boolean }> }>;
}
