import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { BigIntColumn, InstantColumn } from '../db/columns';

/** 印制: an order placed with the printer under an approved print plan; delivery is a receipt. */
@Entity('print_order')
export class PrintOrder {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  planId: number;

  @Column({ type: 'varchar', length: 128 })
  printer: string;

  @Column({ type: 'varchar', length: 8 })
  batchCode: string;

  @BigIntColumn()
  startNo: number;

  @BigIntColumn()
  endNo: number;

  /** ordered → delivered (all numbers received) */
  @Column({ type: 'varchar', length: 16 })
  status: 'ordered' | 'delivered';

  @InstantColumn()
  orderedAt: Date;

  @InstantColumn({ nullable: true })
  deliveredAt: Date | null;
}
