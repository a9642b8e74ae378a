import type { SurveyPort } from './survey-answer';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../domain/clock';
import type { TicketService } from '../../domain/desk/ticket.service';
import type { ApplicationService } from '../../domain/documents/application.service';
import type { LineDocumentWorkflow } from '../../domain/documents/line-documents/workflow';
import type { Actor } from '../../domain/identity/actor';
import type { UserService } from '../../domain/identity/user.service';
import type { StockService } from '../../domain/ledger/stock.service';
import type { Logger } from '../../logger';
import type { Entities } from '../nlp/entities';
import type { NlpHolder } from './nlp-holder';
import type { UnitFacts } from './unit-facts';

/** One inbound message, whatever channel it came from. */
export interface InboundText {
  channel: string;
  senderId: string;
  text: string;
  /** Channel message id (WeCom MsgId); null for the API simulator. */
  messageId?: string | null;
  receivedAt: Date;
}

/** What the pipeline answers; the API returns it as is (bot.md). */
export interface DialogResult {
  reply: string;
  intent: string;
  score: number;
  escalated: boolean;
  ticketId: number | null;
  entities: Entities;
}

/** The domain services the bot reads and the desk it escalates to. */
export interface BotServices {
  users: Pick<UserService, 'actorForWecom'>;
  stock: Pick<StockService, 'stock'>;
  applications: Pick<ApplicationService, 'list' | 'get'>;
  writeoffs: Pick<LineDocumentWorkflow, 'list' | 'get'>;
  destructions: Pick<LineDocumentWorkflow, 'list' | 'get'>;
  tickets: Pick<TicketService, 'escalate' | 'reply' | 'claim' | 'resolve' | 'dispatch' | 'get' | 'recentForReporter'>;
  /** Return-visit surveys (回访); absent in set-ups without the desk records. */
  returnVisits?: SurveyPort;
}

/** Everything a handler needs for one turn. */
export interface Turn {
  actor: Actor;
  text: string;
  entities: Entities;
  /** A unit named in the text (bureau users may ask about any unit). */
  namedUnit: { id: number; code: string; name: string } | null;
  receivedAt: Date;
}

/** Where each answered message is counted (Prometheus in main.ts); the bot knows no metrics library. */
export interface BotMetrics {
  answered(e: { channel: string; intent: string; escalated: boolean; seconds: number }): void;
}

export interface DialogDeps {
  ds: DataSource;
  clock: Clock;
  logger: Logger;
  services: BotServices;
  nlp: NlpHolder;
  facts: UnitFacts;
  /** Minimum classifier score to answer instead of escalating (NLP_THRESHOLD). */
  threshold: number;
  metrics?: BotMetrics;
}
