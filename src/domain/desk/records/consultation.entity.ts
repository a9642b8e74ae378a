import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../../db/columns';

/** One consultation (来电记录) by phone, fax, network or walk-in; the weekly summary counts them. */
@Entity('consultation')
@Index(['receivedAt'])
@Index(['unitId', 'receivedAt'])
export class Consultation {
  @PrimaryGeneratedColumn()
  id: number;

  /** phone | fax | network | walk_in */
  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  caller: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  callerPhone: string | null;

  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  @Column({ type: 'varchar', length: 32 })
  category: string;

  @Column({ type: 'text' })
  question: string;

  @Column({ type: 'text', nullable: true })
  answer: string | null;

  @Column({ type: 'integer' })
  handledById: number;

  @Column({ type: 'varchar', length: 64 })
  handledByName: string;

  @Column({ type: 'integer', nullable: true })
  durationMinutes: number | null;

  @Column({ type: 'integer', nullable: true })
  linkedTicketId: number | null;

  @InstantColumn()
  receivedAt: Date;

  @InstantColumn()
  createdAt: Date;
}
