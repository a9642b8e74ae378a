import { AuditEntry } from '../audit/audit-entry.entity';
import { ApplicationCap } from '../catalog/application-cap.entity';
import { BotCard } from '../cards/card.entity';
import { BillType } from '../catalog/bill-type.entity';
import { Unit } from '../catalog/unit.entity';
import { UnitNameKey } from '../catalog/unit-name-key.entity';
import { BillDocument } from '../documents/bill-document.entity';
import { CalendarDay } from '../desk/sla/calendar-day.entity';
import { DocumentLine } from '../documents/document-line.entity';
import { DocumentTransition } from '../documents/document-transition.entity';
import { PrintOrder } from '../documents/print-order.entity';
import { LoginThrottle } from '../identity/login-throttle.entity';
import { User } from '../identity/user.entity';
import { Batch } from '../ledger/batch.entity';
import { JournalEntry } from '../ledger/journal-entry.entity';
import { Receipt } from '../ledger/receipt.entity';
import { StockRange } from '../ledger/stock-range.entity';
import { BotExchange } from '../desk/exchange.entity';
import { InboundMessage } from '../desk/inbound-message.entity';
import { SlaClock } from '../desk/sla-clock.entity';
import { TicketEvent } from '../desk/ticket-event.entity';
import { Ticket } from '../desk/ticket.entity';
import { Announcement, AnnouncementBatch } from '../desk/records/announcement.entity';
import { Consultation } from '../desk/records/consultation.entity';
import { InspectionFinding, InspectionResult, InspectionRun, InspectionSchedule } from '../desk/records/inspection.entity';
import { OnsiteVisit } from '../desk/records/onsite-visit.entity';
import { ReturnVisit } from '../desk/records/return-visit.entity';
import { TrainingRequest, TrainingSession } from '../desk/records/training.entity';
import { KbChange } from '../kb/kb-change.entity';
import { Incident } from '../monitoring/incident.entity';
import { ProbeState } from '../monitoring/probe-state.entity';
import { ProbeTarget } from '../monitoring/probe-target.entity';
import { OutboxMessage } from '../outbox/outbox-message.entity';
import { Setting } from '../settings/setting.entity';
import { ServiceSummary } from '../summaries/summary.entity';

/** Every entity, in dependency-free order; the migration tool copies tables in this order. */
export const allEntities = [
  Setting,
  Unit,
  UnitNameKey,
  BillType,
  ApplicationCap,
  User,
  LoginThrottle,
  Batch,
  Receipt,
  StockRange,
  JournalEntry,
  BillDocument,
  DocumentLine,
  DocumentTransition,
  PrintOrder,
  AuditEntry,
  OutboxMessage,
  BotCard,
  Ticket,
  TicketEvent,
  SlaClock,
  BotExchange,
  InboundMessage,
  CalendarDay,
  Consultation,
  OnsiteVisit,
  ReturnVisit,
  InspectionSchedule,
  InspectionRun,
  InspectionResult,
  InspectionFinding,
  TrainingSession,
  TrainingRequest,
  Announcement,
  AnnouncementBatch,
  ServiceSummary,
  Incident,
  ProbeTarget,
  ProbeState,
  KbChange,
];
