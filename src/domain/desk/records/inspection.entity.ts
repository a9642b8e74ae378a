import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../../db/columns';

/** A periodic inspection (定期巡检) and its checklist. */
@Entity('inspection_schedule')
export class InspectionSchedule {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** daily | weekly | monthly */
  @Column({ type: 'varchar', length: 8 })
  frequency: string;

  @JsonColumn()
  checklist: Array<{ key: string; label: string }>;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @InstantColumn()
  createdAt: Date;
}

/** One inspection carried out, by a person or by the inspection job. */
@Entity('inspection_run')
@Index(['performedAt'])
@Index(['scheduleId', 'performedAt'])
export class InspectionRun {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', nullable: true })
  scheduleId: number | null;

  /** manual, or the job's check family (ledger, calendar, backup…). */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  /** The worst result: ok | warn | fail. */
  @Column({ type: 'varchar', length: 4 })
  status: string;

  @Column({ type: 'integer' })
  performedById: number;

  @Column({ type: 'varchar', length: 64 })
  performedByName: string;

  @InstantColumn()
  performedAt: Date;
}

/** The result of one checklist item in a run. */
@Entity('inspection_result')
@Index(['runId'])
export class InspectionResult {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  runId: number;

  @Column({ type: 'varchar', length: 48 })
  item: string;

  /** ok | warn | fail */
  @Column({ type: 'varchar', length: 4 })
  status: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}

/** A problem found by an inspection; it may open a ticket (source `inspection`). */
@Entity('inspection_finding')
@Index(['runId'])
export class InspectionFinding {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  runId: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Column({ type: 'varchar', length: 8 })
  severity: string;

  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;
}
