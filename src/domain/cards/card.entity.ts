import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';

/** open: its buttons act; acted: someone acted (once, for everyone); closed: cancelled or expired unused. */
export type CardState = 'open' | 'acted' | 'closed';

/** What a card asks: a unit's confirmation of a chat draft, the bureau's review of a document, or the engineers' handling of a ticket. */
export type CardKind = 'draft' | 'review' | 'ticket';

/** A ResponseCode WeCom gave us for updating copies of the card: once, within 72 h, for `users` only. */
export interface HeldCode {
  code: string;
  users: string[];
  at: string;
  used: boolean;
}

/**
 * A button card we sent (or showed through the API): who got it, what it is about, and the
 * ResponseCodes WeCom handed us, so that once one person acts every copy is updated in place.
 */
@Entity('bot_card')
// Every review, withdrawal and resubmission looks up the open cards of its document: without this
// the lookup scanned every card ever sent (34 ms at 72,000 cards in the 5,000-unit bench build).
@Index(['documentId', 'action'])
export class BotCard {
  @PrimaryGeneratedColumn()
  id: number;

  /** WeCom's task_id: [0-9a-zA-Z_-@], ≤ 128 bytes, unique per app. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 128 })
  taskId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: CardKind;

  /** What the buttons act on: `application.submit`, `writeoff.submit`, `application.withdraw` (drafts), a document type (reviews). */
  @Column({ type: 'varchar', length: 40 })
  action: string;

  /** The document reviewed (reviews) or created (drafts, once confirmed); the ticket (ticket cards). */
  @Column({ type: 'integer', nullable: true })
  documentId: number | null;

  /** Drafts: the only user whose presses count. */
  @Column({ type: 'integer', nullable: true })
  ownerUserId: number | null;

  /** WeCom members who got a copy. */
  @JsonColumn()
  recipients: string[];

  @JsonColumn()
  codes: HeldCode[];

  /** Drafts: what will be submitted (validated again on confirmation). */
  @JsonColumn()
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 8 })
  state: CardState;

  /** What the card says once settled (the buttons' replacement). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  outcome: string | null;

  @Column({ type: 'integer', nullable: true })
  actedBy: number | null;

  @InstantColumn({ nullable: true })
  actedAt: Date | null;

  @InstantColumn()
  createdAt: Date;

  /** Buttons stop acting after this instant (drafts: 30 minutes). */
  @InstantColumn({ nullable: true })
  expiresAt: Date | null;
}
