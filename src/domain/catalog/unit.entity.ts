import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../db/columns';

export const ONBOARDING_STATUSES = ['not_online', 'trial', 'online'] as const;
export type OnboardingStatus = (typeof ONBOARDING_STATUSES)[number];

/** A bill-using unit (用票单位). */
@Entity('unit')
export class Unit {
  @PrimaryGeneratedColumn()
  id: number;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Index()
  @Column({ type: 'varchar', length: 128 })
  name: string;

  /**
   * Short names and other names people use for the unit (二中, 中医院, 一医). The bot reads them to
   * tell whose data a question asks for, and bureau staff name units by them (来电, search).
   */
  @JsonColumn()
  aliases: string[];

  /** 统一社会信用代码 (18 characters). */
  @Column({ type: 'varchar', length: 18, nullable: true })
  creditCode: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  supervisor: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  contactName: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  contactPhone: string | null;

  /** 领购证 number. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  purchaseCertNo: string | null;

  @Column({ type: 'varchar', length: 16, default: 'not_online' })
  onboardingStatus: OnboardingStatus;

  /** Date (YYYY-MM-DD, Asia/Shanghai) the current onboarding status was reached. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  onboardedOn: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @InstantColumn()
  createdAt: Date;
}
