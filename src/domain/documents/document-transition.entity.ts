import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../db/columns';
import type { DocStatus } from '../ledger/ledger.types';

/** Who moved a document from one status to another, when, with what opinion. */
@Entity('document_transition')
@Index(['documentId'])
export class DocumentTransition {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  documentId: number;

  @Column({ type: 'varchar', length: 16, nullable: true })
  fromStatus: DocStatus | null;

  @Column({ type: 'varchar', length: 16 })
  toStatus: DocStatus;

  @Column({ type: 'integer' })
  actorId: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  opinion: string | null;

  @InstantColumn()
  at: Date;
}
