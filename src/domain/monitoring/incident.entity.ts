import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';

export type IncidentState = 'firing' | 'resolved';
export type Severity = 'critical' | 'warning' | 'info';

/**
 * One row per alert key (a probe, an Alertmanager fingerprint, a generic alert's key). Concurrent
 * reports of one key serialise on this row, so a key fires, notifies and opens a ticket once.
 */
@Entity('incident')
@Index(['state', 'lastChangeAt'])
export class Incident {
  @PrimaryGeneratedColumn()
  id: number;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'varchar', length: 8 })
  state: IncidentState;

  /** Who reported it: `probe`, `alertmanager`, or the generic alert's source. */
  @Column({ type: 'varchar', length: 64 })
  source: string;

  @Column({ type: 'varchar', length: 8 })
  severity: Severity;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  detail: string;

  @JsonColumn()
  labels: Record<string, string>;

  /** Reports received while firing (the first included), over the incident's life. */
  @Column({ type: 'integer', default: 0 })
  count: number;

  /** Start of the current (or last) firing episode: the downtime is measured from here. */
  @InstantColumn({ nullable: true })
  firstFiringAt: Date | null;

  @InstantColumn()
  lastChangeAt: Date;

  @InstantColumn({ nullable: true })
  resolvedAt: Date | null;

  /** The fault ticket of the current episode (kept while it is open, so a re-fire lands on it). */
  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  /** Instants of the state changes inside the flap window (flap damping). */
  @JsonColumn()
  changes: string[];

  /** Changing state too often: notices are held (recorded on the ticket) until it is stable. */
  @Column({ type: 'boolean', default: false })
  flapping: boolean;

  /** The state the last notice told people about (null before the first). */
  @Column({ type: 'varchar', length: 8, nullable: true })
  notifiedState: IncidentState | null;

  /** Notices held back by flap damping. */
  @Column({ type: 'integer', default: 0 })
  suppressed: number;
}
