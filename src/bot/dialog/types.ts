import type { CardActions } from '../../domain/cards/card-actions';
import type { CardService } from '../../domain/cards/card.service';
import type { Directory } from '../../domain/catalog/directory';
import type { Clock } from '../../domain/clock';
import type { ExchangeLog } from '../../domain/desk/exchange-log.service';
import type { ConsultationService } from '../../domain/desk/records/consultation.service';
import type { ReturnVisitService } from '../../domain/desk/records/return-visit.service';
import type { TicketService } from '../../domain/desk/ticket.service';
import type { TicketQueue } from '../../domain/desk/ticket-queue';
import type { ApplicationService } from '../../domain/documents/application.service';
import type { DocumentLookup } from '../../domain/documents/document-lookup';
import type { IssueReadinessService } from '../../domain/documents/issue-readiness';
import type { LineDocumentWorkflow } from '../../domain/documents/line-documents/workflow';
import type { Actor } from '../../domain/identity/actor';
import type { UserService, WecomSender } from '../../domain/identity/user.service';
import type { StockService } from '../../domain/ledger/stock.service';
import type { AlertService } from '../../domain/monitoring/alert.service';
import type { ReportsService } from '../../domain/reports/reports.service';
import type { SummaryService } from '../../domain/summaries/summary.service';
import type { UnitFacts } from '../../domain/documents/unit-facts';
import type { ApplicationChecks } from '../../domain/documents/application-checks';
import type { RegionSettings } from '../../domain/settings/region-settings';
import type { Logger } from '../../logger';
import type { Entities } from '../nlp/entities';
import type { NlpHolder } from './nlp-holder';

export type { DialogOutcome, DialogResult, InboundEvent, InboundText } from '../../domain/ports/bot';

/** Return-visit surveys (回访): the open one of a user, and their answer to it. */
export type SurveyPort = Pick<ReturnVisitService, 'pendingFor' | 'recordAnswer'>;

/** The domain services and ports the bot reads, escalates to and logs through; nothing else reaches the database. */
export interface BotServices {
  users: Pick<UserService, 'senderForWecom' | 'senderForUser' | 'actorForWecom'>;
  /** Units and bill types, cached in process (entity extraction, unit names in free text). */
  directory: Pick<Directory, 'units' | 'billTypes'>;
  documentLookup: DocumentLookup;
  /** Why an approved application waits: warehouse stock against the quantity asked. */
  issueReadiness: Pick<IssueReadinessService, 'of'>;
  stock: Pick<StockService, 'stock'>;
  applications: Pick<ApplicationService, 'list' | 'get'>;
  writeoffs: Pick<LineDocumentWorkflow, 'list' | 'get'>;
  destructions: Pick<LineDocumentWorkflow, 'list' | 'get'>;
  tickets: Pick<
    TicketService,
    'escalate' | 'reply' | 'claim' | 'resolve' | 'dispatch' | 'arrive' | 'wait' | 'get' | 'list' | 'recentForReporter' | 'cardView'
  >;
  /** Bureau roles' questions: the week's figures, faults now, overdue write-offs bureau-wide. */
  summaries: Pick<SummaryService, 'figures'>;
  alerts: Pick<AlertService, 'list'>;
  /** Overdue write-offs (核旧领新) as the warnings report computes them, for the unit and bureau-wide. */
  reports: Pick<ReportsService, 'warnings'>;
  /** The engineer's queue (「我的工单」), as the mobile workbench lists it. */
  ticketQueue: Pick<TicketQueue, 'list'>;
  /** The phone-call log (「来电 …」 from the engineer). */
  consultations: Pick<ConsultationService, 'create'>;
  /** Absent in set-ups without the desk records. */
  returnVisits?: SurveyPort;
  exchangeLog: Pick<ExchangeLog, 'record'>;
  /** Button cards: drafts, reviews and the codes that update every copy. */
  cards: Pick<CardService, 'byTaskId' | 'ofTicket' | 'keepEventCode' | 'close' | 'open'>;
  /** What card buttons and chat drafts do, through the API's services. */
  cardActions: Pick<CardActions, 'confirm' | 'approve' | 'reject' | 'previewApplication' | 'withdrawable' | 'previewWriteoff'>;
  /** The unit's last issuance, caps and where a number stands (the API serves the same figures). */
  unitFacts: Pick<UnitFacts, 'lastIssuance' | 'caps' | 'number'>;
  /** The application rules (cap, 核旧领新, warehouse) as data: what blocks the unit's next application. */
  applicationChecks: Pick<ApplicationChecks, 'preview'>;
  /** Region values set through the admin API; absent in set-ups without settings (answers then use neutral wording). */
  region?: Pick<RegionSettings, 'values'>;
}

/** A unit as a domain answer names it. */
export interface UnitRef {
  id: number;
  code: string;
  name: string;
}

/** Everything a handler needs for one turn. */
export interface Turn {
  sender: WecomSender;
  actor: Actor;
  text: string;
  entities: Entities;
  /** A unit named in the text (bureau users may ask about any unit). */
  namedUnit: UnitRef | null;
  receivedAt: Date;
}

/** Where each answered message is counted (Prometheus in the composition root); the bot knows no metrics library. */
export interface BotMetrics {
  answered(e: { channel: string; intent: string; escalated: boolean; seconds: number }): void;
}

export interface DialogDeps {
  clock: Clock;
  logger: Logger;
  services: BotServices;
  nlp: NlpHolder;
  /** Minimum classifier score to answer instead of escalating (NLP_THRESHOLD). */
  threshold: number;
  metrics?: BotMetrics;
}
