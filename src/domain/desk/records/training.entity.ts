import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../../db/columns';

/** A training session held for bill-using units (培训). */
@Entity('training_session')
@Index(['date'])
export class TrainingSession {
  @PrimaryGeneratedColumn()
  id: number;

  /** YYYY-MM-DD, Asia/Shanghai. */
  @Column({ type: 'varchar', length: 10 })
  date: string;

  @Column({ type: 'varchar', length: 200 })
  topic: string;

  @Column({ type: 'varchar', length: 64 })
  trainer: string;

  @JsonColumn()
  unitCodes: string[];

  @Column({ type: 'integer', default: 0 })
  attendees: number;

  @JsonColumn()
  materials: Array<{ title: string; url?: string }>;

  @Column({ type: 'integer', nullable: true })
  requestId: number | null;

  @Column({ type: 'integer' })
  createdById: number;

  @InstantColumn()
  createdAt: Date;
}

/** A request for training from the bureau or a unit. */
@Entity('training_request')
@Index(['status'])
export class TrainingRequest {
  @PrimaryGeneratedColumn()
  id: number;

  /** null: requested by the bureau itself. */
  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  @Column({ type: 'varchar', length: 200 })
  topic: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  preferredDate: string | null;

  /** open | scheduled | done | declined */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'integer', nullable: true })
  sessionId: number | null;

  @Column({ type: 'integer' })
  requestedById: number;

  @Column({ type: 'varchar', length: 64 })
  requestedByName: string;

  @InstantColumn()
  createdAt: Date;
}
