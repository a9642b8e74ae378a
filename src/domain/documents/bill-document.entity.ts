import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, MoneyColumn } from '../db/columns';
import type { DocStatus, DocType, WriteoffResult } from '../ledger/ledger.types';

/**
 * Every ledger document (印制计划, 申领单, 发放单, 核销单, 申退单, 库存作废单, 销毁单) in one table:
 * they share the life cycle draft → submitted → approved | returned → completed, and one table
 * keeps status reports and the bot's "审到哪了" a single query.
 */
@Entity('bill_document')
@Index(['docType', 'unitId', 'status'])
@Index(['docType', 'billTypeId', 'status'])
export class BillDocument {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  docType: DocType;

  /** Human number, e.g. SL-2026-000012 (申领) or HX-2026-000003 (核销). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 24 })
  docNo: string;

  /** Null for bureau documents (print plans, warehouse stock voids). */
  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  @Column({ type: 'integer' })
  billTypeId: number;

  @Column({ type: 'varchar', length: 16 })
  status: DocStatus;

  /** Applications and print plans: how many bills. Line documents: total count of their lines. */
  @Column({ type: 'integer', default: 0 })
  quantity: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  /** Write-offs: 截止日期 YYYY-MM-DD. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  cutoffDate: string | null;

  /** Write-offs: amount collected (yuan). */
  @MoneyColumn({ nullable: true })
  amount: number | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  result: WriteoffResult | null;

  /** The latest reviewer's opinion (full history in document_transition). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  opinion: string | null;

  /** Print plans: the year the plan is for. */
  @Column({ type: 'integer', nullable: true })
  planYear: number | null;

  /** Issuances: the application they fulfil. */
  @Column({ type: 'integer', nullable: true })
  applicationId: number | null;

  @Column({ type: 'integer' })
  createdBy: number;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn({ nullable: true })
  submittedAt: Date | null;

  /** Who last submitted it (separation of duties: they may not review it); null while never submitted. */
  @Column({ type: 'integer', nullable: true })
  submittedBy: number | null;

  @InstantColumn({ nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  reviewedBy: number | null;

  @InstantColumn({ nullable: true })
  completedAt: Date | null;
}
