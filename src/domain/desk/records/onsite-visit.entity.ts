import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../../db/columns';

/** An on-site service visit (现场服务): dispatch, arrival, work done and the unit's signature. */
@Entity('onsite_visit')
@Index(['unitId', 'dispatchedAt'])
@Index(['ticketId'])
export class OnsiteVisit {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer' })
  unitId: number;

  @InstantColumn()
  dispatchedAt: Date;

  @InstantColumn({ nullable: true })
  arrivedAt: Date | null;

  @Column({ type: 'text' })
  workDone: string;

  /** resolved | partial | unresolved */
  @Column({ type: 'varchar', length: 16 })
  result: string;

  /** Name of the unit's person who signed the service record. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  unitSignature: string | null;

  @InstantColumn({ nullable: true })
  signedAt: Date | null;

  @Column({ type: 'integer' })
  engineerId: number;

  @Column({ type: 'varchar', length: 64 })
  engineerName: string;

  @InstantColumn()
  createdAt: Date;
}
