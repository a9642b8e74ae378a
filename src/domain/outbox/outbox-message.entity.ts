import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';
import type { OutboundMessage } from './outbox.types';

/** `expired`: dropped unsent because its expiry passed first (expiryReason says why). */
export type OutboxStatus = 'pending' | 'queued' | 'sent' | 'failed' | 'expired';

/**
 * A message to send, written in the same transaction as the business change that caused it
 * (transactional outbox): if Redis or WeCom is down, it waits here and is relayed later.
 */
@Entity('outbox_message')
@Index(['status', 'availableAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn()
  id: number;

  /** Idempotency key: the same logical message is stored (and so sent) once. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 160 })
  dedupeKey: string;

  @JsonColumn()
  message: OutboundMessage;

  @Column({ type: 'varchar', length: 8 })
  status: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @InstantColumn()
  createdAt: Date;

  /** Not relayed before this instant (back-off after a failed relay). */
  @InstantColumn()
  availableAt: Date;

  @InstantColumn({ nullable: true })
  queuedAt: Date | null;

  @InstantColumn({ nullable: true })
  sentAt: Date | null;

  /**
   * Not sent after this instant: a message that could not go out in time (WeCom off, Redis down)
   * is dropped instead of arriving as noise. Null: it never expires.
   */
  @InstantColumn({ nullable: true })
  expiresAt: Date | null;

  /** Why it expires (logged and kept when it is dropped). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  expiryReason: string | null;
}
