import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BigIntColumn, InstantColumn } from '../db/columns';
import type { DocType, HolderKind, RangeState } from './ledger.types';

/** One movement of a run of numbers. Append-only: reports and the audit trail read it. */
@Entity('journal_entry')
@Index(['toUnitId', 'at'])
@Index(['fromUnitId', 'at'])
@Index(['billTypeId', 'batchCode'])
export class JournalEntry {
  @PrimaryGeneratedColumn()
  id: number;

  /** receive | issue | writeoff.report | writeoff.reject | writeoff.approve | return | stock_void | destroy */
  @Column({ type: 'varchar', length: 32 })
  operation: string;

  @Column({ type: 'varchar', length: 16 })
  docType: DocType | 'receipt';

  @Column({ type: 'integer' })
  docId: number;

  @Column({ type: 'integer' })
  billTypeId: number;

  @Column({ type: 'varchar', length: 8 })
  batchCode: string;

  @BigIntColumn()
  startNo: number;

  @BigIntColumn()
  endNo: number;

  @BigIntColumn()
  count: number;

  @Column({ type: 'varchar', length: 8, nullable: true })
  fromHolder: HolderKind | null;

  @Column({ type: 'integer', nullable: true })
  fromUnitId: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  fromState: RangeState | null;

  @Column({ type: 'varchar', length: 8 })
  toHolder: HolderKind;

  @Column({ type: 'integer', nullable: true })
  toUnitId: number | null;

  @Column({ type: 'varchar', length: 16 })
  toState: RangeState;

  @Column({ type: 'integer' })
  actorId: number;

  @Index()
  @InstantColumn()
  at: Date;
}
