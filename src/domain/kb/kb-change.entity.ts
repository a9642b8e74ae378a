import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';
import type { KbChangeKind, KbChangePayload, KbChangeSource, KbChangeStatus } from './kb.types';

/**
 * One edit of the knowledge base made through the API or proposed from an engineer's reply.
 * The reviewed YAML files stay the base; approved rows are applied on top of them in `seq` order.
 */
@Entity('kb_change')
@Index(['status', 'id'])
@Index(['ticketId'])
export class KbChange {
  @PrimaryGeneratedColumn()
  id: number;

  /** Null only for a learning-loop proposal whose question the bot could not place. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  intent: string | null;

  @Column({ type: 'varchar', length: 24 })
  kind: KbChangeKind;

  @JsonColumn()
  payload: KbChangePayload;

  @Column({ type: 'varchar', length: 12 })
  status: KbChangeStatus;

  @Column({ type: 'varchar', length: 16 })
  source: KbChangeSource;

  /** Username of whoever made or proposed the change. */
  @Column({ type: 'varchar', length: 64 })
  proposedBy: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reviewedBy: string | null;

  @InstantColumn({ nullable: true })
  reviewedAt: Date | null;

  /** The reviewer's opinion (required on rejection). */
  @Column({ type: 'text', nullable: true })
  opinion: string | null;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  /** Order of application: assigned at approval, so the overlay replays approvals as they were checked. */
  @Column({ type: 'integer', nullable: true })
  seq: number | null;

  @InstantColumn()
  createdAt: Date;
}
