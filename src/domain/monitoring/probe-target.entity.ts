import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../db/columns';

export type ProbeKind = 'http' | 'tcp';

/** A configured target of the bill system that the monitoring job probes every minute. */
@Entity('probe_target')
export class ProbeTarget {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 4 })
  kind: ProbeKind;

  /** http: the URL to GET. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  url: string | null;

  /** tcp: `host:port`. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  address: string | null;

  @Column({ type: 'integer', default: 200 })
  expectedStatus: number;

  @Column({ type: 'integer', default: 5000 })
  timeoutMs: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @InstantColumn()
  createdAt: Date;
}
