import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../db/columns';

/**
 * One inbound channel message, claimed once: WeCom retries a callback (5 s, 3 times) and several
 * app processes may receive the copies, so the unique key decides which one answers.
 */
@Entity('inbound_message')
@Index(['channel', 'messageKey'], { unique: true })
export class InboundMessage {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  /** MsgId for messages; FromUserName:CreateTime:Event for events. */
  @Column({ type: 'varchar', length: 160 })
  messageKey: string;

  /** Random token of the process that won the insert, read back to know who claimed it. */
  @Column({ type: 'varchar', length: 32 })
  claimToken: string;

  @InstantColumn()
  receivedAt: Date;
}
