import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BigIntColumn, InstantColumn } from '../db/columns';

/** 入库: a contiguous run of numbers of one batch received into the bureau warehouse. */
@Entity('warehouse_receipt')
@Index(['batchCode', 'startNo'])
export class Receipt {
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

  @BigIntColumn()
  count: number;

  @Column({ type: 'integer', nullable: true })
  printOrderId: number | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  note: string | null;

  @Column({ type: 'integer' })
  actorId: number;

  @Index()
  @InstantColumn()
  receivedAt: Date;
}
