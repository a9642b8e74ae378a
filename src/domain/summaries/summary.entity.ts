import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';
import type { SummaryFigures } from './weekly-figures';

export type SummaryKind = 'weekly' | 'monthly';

/** A stored service summary (服务周报/月报): the figures as computed, and the markdown pushed to leaders. */
@Entity('service_summary')
@Index(['kind', 'periodStart'])
export class ServiceSummary {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 8 })
  kind: SummaryKind;

  /** First day of the period (YYYY-MM-DD, Asia/Shanghai). */
  @Column({ type: 'varchar', length: 10 })
  periodStart: string;

  /** Last day of the period, inclusive (YYYY-MM-DD, Asia/Shanghai). */
  @Column({ type: 'varchar', length: 10 })
  periodEnd: string;

  /** 1, 2, … per kind and period: every on-demand run stores a new version. */
  @Column({ type: 'integer' })
  version: number;

  /** Set on the scheduled run's row only (`weekly-<periodStart>`): two processes store it once. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32, nullable: true })
  scheduledKey: string | null;

  @JsonColumn()
  figures: SummaryFigures;

  @Column({ type: 'text' })
  markdown: string;

  /** How many leaders it was pushed to with this version (0 = stored only). */
  @Column({ type: 'integer', default: 0 })
  pushedTo: number;

  @InstantColumn()
  createdAt: Date;

  /** Null for the scheduled job (the system). */
  @Column({ type: 'integer', nullable: true })
  createdById: number | null;

  @Column({ type: 'varchar', length: 64 })
  createdByName: string;
}
