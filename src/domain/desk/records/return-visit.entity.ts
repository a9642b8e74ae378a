import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../../db/columns';

export type ReturnVisitKind = 'ticket' | 'onboarding' | 'manual';
export type ReturnVisitStatus = 'scheduled' | 'asked' | 'answered' | 'expired' | 'cancelled';

/** A return visit (回访): a satisfaction survey after a resolved ticket or for a newly onboarded unit. */
@Entity('return_visit')
@Index(['status', 'dueAt'])
@Index(['userId', 'status'])
@Index(['ticketId'])
export class ReturnVisit {
  @PrimaryGeneratedColumn()
  id: number;

  /** Makes scheduling idempotent across processes (ticket-12-<resolvedAt>, onboarding-7-d30…). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 96 })
  dedupeKey: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ReturnVisitKind;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  /** The person asked (the ticket's reporter), when known. */
  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  /** null: no WeCom id, so an operator calls (channel phone). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  wecomUserId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  contactName: string | null;

  /** wecom | phone */
  @Column({ type: 'varchar', length: 8 })
  channel: string;

  @Column({ type: 'varchar', length: 12 })
  status: ReturnVisitStatus;

  @InstantColumn()
  dueAt: Date;

  @InstantColumn({ nullable: true })
  askedAt: Date | null;

  @InstantColumn({ nullable: true })
  answeredAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  rating: number | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'integer', nullable: true })
  answeredById: number | null;

  /** What the answer did: reopened | closed | noted (no ticket). */
  @Column({ type: 'varchar', length: 12, nullable: true })
  outcome: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @InstantColumn()
  createdAt: Date;
}
