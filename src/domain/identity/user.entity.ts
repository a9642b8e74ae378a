import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../db/columns';
import type { Role } from './actor';

@Entity('app_user')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'integer', nullable: true })
  unitId: number | null;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  wecomUserId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone: string | null;

  /** argon2id PHC string; null = cannot log in with a password (WeCom-only user). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'integer', default: 0 })
  failedLogins: number;

  @InstantColumn({ nullable: true })
  lockedUntil: Date | null;

  /** Raised by deactivation, a role or unit change and every password change: older tokens stop working. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  /** Set by an admin's reset: the temporary password must be replaced at the next login. */
  @Column({ type: 'boolean', default: false })
  mustChangePassword: boolean;

  @InstantColumn()
  createdAt: Date;
}
