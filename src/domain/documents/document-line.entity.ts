import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BigIntColumn } from '../db/columns';
import type { LineKind } from '../ledger/ledger.types';

/** A run of numbers a document reports, returns, voids, destroys or issued. */
@Entity('document_line')
@Index(['documentId'])
@Index(['batchCode', 'startNo'])
export class DocumentLine {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  documentId: number;

  @Column({ type: 'varchar', length: 16 })
  kind: LineKind;

  @Column({ type: 'varchar', length: 8 })
  batchCode: string;

  @BigIntColumn()
  startNo: number;

  @BigIntColumn()
  endNo: number;

  @BigIntColumn()
  count: number;
}
