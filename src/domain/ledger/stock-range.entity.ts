import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BigIntColumn, InstantColumn } from '../db/columns';
import type { HolderKind, RangeState } from './ledger.types';

/**
 * A run of numbers of one batch with one holder and one state. Storage grows with operations,
 * not with bills: receiving 10^8 numbers is one row. Runs of a batch never overlap.
 */
@Entity('stock_range')
@Index(['billTypeId', 'batchCode', 'startNo'])
@Index(['holder', 'unitId', 'state', 'billTypeId'])
export class StockRange {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  billTypeId: number;

  @Column({ type: 'varchar', length: 8 })
  batchCode: string;

  @BigIntColumn()
  startNo: number;

  @BigIntColumn()
  endNo: number;

  @Column({ type: 'varchar', length: 8 })
  holder: HolderKind;

  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  @Column({ type: 'varchar', length: 16 })
  state: RangeState;

  @InstantColumn()
  updatedAt: Date;
}
