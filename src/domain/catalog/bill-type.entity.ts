import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';

export const BILL_CATEGORIES = ['nontax', 'settlement', 'other'] as const;
export type BillCategory = (typeof BILL_CATEGORIES)[number];

/** A kind of fiscal bill; the list is data the bureau maintains (domain.md), not an enum. */
@Entity('bill_type')
export class BillType {
  @PrimaryGeneratedColumn()
  id: number;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 16 })
  code: string;

  /** Unique: operators and the bot tell bill types apart by name (the index also settles two creations at once). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  category: BillCategory;

  /** Other names staff use (医疗票 → 医疗收费票据); the bot matches them. */
  @JsonColumn()
  aliases: string[];

  @Column({ type: 'integer', default: 3 })
  copies: number;

  @Column({ type: 'integer', default: 5 })
  retentionYears: number;

  @Column({ type: 'boolean', default: false })
  electronic: boolean;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @InstantColumn()
  createdAt: Date;
}
