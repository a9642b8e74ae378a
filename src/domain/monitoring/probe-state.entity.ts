import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../db/columns';

/**
 * The last observation of each probe, in the database so several processes agree on the streak of
 * failures (a down must be seen N times in a row before it becomes an alert).
 */
@Entity('probe_state')
export class ProbeState {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'varchar', length: 4 })
  status: 'up' | 'down';

  /** Consecutive down observations (0 while up). */
  @Column({ type: 'integer', default: 0 })
  failures: number;

  /** First down observation of the current streak (the downtime of its alert starts here). */
  @InstantColumn({ nullable: true })
  downSince: Date | null;

  @Column({ type: 'varchar', length: 500 })
  detail: string;

  @InstantColumn()
  checkedAt: Date;
}
