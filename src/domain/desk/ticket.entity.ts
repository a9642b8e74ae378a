import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';
import type { Priority, TicketSource, TicketState } from './desk.types';

/** A help-desk ticket (工单); its number is its id (#123 in WeCom commands). */
@Entity('ticket')
@Index(['state', 'createdAt'])
@Index(['reporterUserId', 'state'])
export class Ticket {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  source: TicketSource;

  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  @Column({ type: 'integer', nullable: true })
  reporterUserId: number | null;

  /** Where replies go: the reporter's WeCom member id (bot tickets). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reporterWecomId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reporterName: string | null;

  @Column({ type: 'varchar', length: 32, default: 'question' })
  category: string;

  @Column({ type: 'varchar', length: 8 })
  priority: Priority;

  @Column({ type: 'varchar', length: 500 })
  summary: string;

  /** The bot's best guesses when it escalated: [{intent, score}]. */
  @JsonColumn({ nullable: true })
  guesses: Array<{ intent: string; score: number }> | null;

  @Column({ type: 'integer', nullable: true })
  assigneeId: number | null;

  @Column({ type: 'varchar', length: 16 })
  state: TicketState;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn()
  lastActivityAt: Date;

  /** SLA response clock. */
  @InstantColumn({ nullable: true })
  responseDueAt: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  responseRule: string | null;

  @InstantColumn({ nullable: true })
  firstResponseAt: Date | null;

  @InstantColumn({ nullable: true })
  dispatchedAt: Date | null;

  @InstantColumn({ nullable: true })
  onsiteDueAt: Date | null;

  @InstantColumn({ nullable: true })
  arrivedAt: Date | null;

  @InstantColumn({ nullable: true })
  resolvedAt: Date | null;

  @InstantColumn({ nullable: true })
  closedAt: Date | null;
}
