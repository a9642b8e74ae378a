import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';
import type { ClockKind, ClockPause, ClockState } from './desk.types';

/**
 * One SLA clock of a ticket (response, on-site, resolution). The row is the truth; the Bull jobs
 * that warn and escalate are derived from it and re-check it before acting.
 */
@Entity('sla_clock')
@Index(['ticketId', 'kind'])
@Index(['state', 'dueAt'])
export class SlaClock {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'varchar', length: 12 })
  kind: ClockKind;

  /** The SLA engine's rule name, e.g. working-hours-1h. */
  @Column({ type: 'varchar', length: 32 })
  rule: string;

  /** Resolution clocks: the ticket priority the target was taken from. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  priority: string | null;

  @InstantColumn()
  startedAt: Date;

  /** Due under the current pauses; recomputed on resume. */
  @InstantColumn()
  dueAt: Date;

  /** When warnAtPercent of the counted time is used up. */
  @InstantColumn()
  warnAt: Date;

  /** Waiting-for-user pauses (ISO instants); the last one is open (`to` null) while paused. */
  @JsonColumn()
  pauses: ClockPause[];

  /** Counted time removed by the closed pauses. */
  @Column({ type: 'integer', default: 0 })
  pausedMs: number;

  @InstantColumn({ nullable: true })
  stoppedAt: Date | null;

  @InstantColumn({ nullable: true })
  warnedAt: Date | null;

  @InstantColumn({ nullable: true })
  breachedAt: Date | null;

  @Column({ type: 'varchar', length: 10 })
  state: ClockState;
}
