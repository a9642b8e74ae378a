import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../db/columns';

/**
 * Login attempts per client address in a fixed window, kept in the database only while Redis (the
 * usual counter) is unreachable, so a Redis outage does not lift the limit.
 */
@Entity('login_throttle')
export class LoginThrottle {
  @PrimaryColumn({ type: 'varchar', length: 96 })
  key: string;

  @InstantColumn()
  windowStart: Date;

  @Column({ type: 'integer' })
  count: number;
}
