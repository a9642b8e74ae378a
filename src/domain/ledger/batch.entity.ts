import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../db/columns';

/** A 票据代码: belongs to exactly one bill type; its numbers arrive in one or more receipts. */
@Entity('bill_batch')
export class Batch {
  @PrimaryGeneratedColumn()
  id: number;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 8 })
  batchCode: string;

  @Column({ type: 'integer' })
  billTypeId: number;

  @InstantColumn()
  createdAt: Date;
}
