import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';

/** One question and the bot's answer: the evidence trail and the weekly summary's source. */
@Entity('bot_exchange')
@Index(['senderId', 'at'])
@Index(['at'])
export class BotExchange {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 64 })
  senderId: string;

  /** Channel message id (WeCom MsgId, a 64-bit integer kept as text); unique per channel. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  messageId: string | null;

  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  /** Who actually sent the message when it is not the sender (an admin speaking as a member through the API). */
  @Column({ type: 'integer', nullable: true })
  callerUserId: number | null;

  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'varchar', length: 48 })
  intent: string;

  @Column({ type: 'real' })
  score: number;

  @Column({ type: 'text' })
  answer: string;

  @Column({ type: 'boolean' })
  escalated: boolean;

  /** answered | declined (out of scope, no ticket) | escalated | command | unregistered | failed. */
  @Column({ type: 'varchar', length: 16, default: 'answered' })
  outcome: string;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @JsonColumn({ nullable: true })
  entities: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  kbVersion: string | null;

  @Column({ type: 'integer' })
  latencyMs: number;

  @InstantColumn()
  at: Date;
}
