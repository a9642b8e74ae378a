import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';

/** One entry of a ticket's timeline: a question, a reply, a state change, a dispatch… */
@Entity('ticket_event')
@Index(['ticketId', 'at'])
export class TicketEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  /** created | question | reply | state | assign | dispatch | arrive | note | sla */
  @Column({ type: 'varchar', length: 16 })
  type: string;

  @Column({ type: 'integer', nullable: true })
  actorId: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  actorName: string | null;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @JsonColumn({ nullable: true })
  meta: Record<string, unknown> | null;

  @InstantColumn()
  at: Date;
}
