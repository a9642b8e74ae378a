import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, JsonColumn } from '../../db/columns';

/** An announcement or briefing (公告、简报): drafted, then pushed to units' staff in throttled batches. */
@Entity('announcement')
@Index(['status', 'createdAt'])
export class Announcement {
  @PrimaryGeneratedColumn()
  id: number;

  /** announcement | briefing */
  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ type: 'varchar', length: 128 })
  title: string;

  /** Markdown. */
  @Column({ type: 'text' })
  body: string;

  /** null: every unit. */
  @JsonColumn({ nullable: true })
  unitCodes: string[] | null;

  /** draft | published */
  @Column({ type: 'varchar', length: 12 })
  status: string;

  @Column({ type: 'integer', default: 0 })
  recipientCount: number;

  @Column({ type: 'integer', default: 0 })
  batchCount: number;

  /** Batches already handed to the outbox. */
  @Column({ type: 'integer', default: 0 })
  queuedBatches: number;

  @Column({ type: 'integer' })
  createdById: number;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn({ nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  publishedById: number | null;
}

/** One throttled slice of a publication: up to N recipients, released at `availableAt`. */
@Entity('announcement_batch')
@Index(['status', 'availableAt'])
@Index(['announcementId', 'seq'], { unique: true })
export class AnnouncementBatch {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  announcementId: number;

  @Column({ type: 'integer' })
  seq: number;

  @JsonColumn()
  toUsers: string[];

  /** pending | queued */
  @Column({ type: 'varchar', length: 8 })
  status: string;

  @InstantColumn()
  availableAt: Date;

  @InstantColumn({ nullable: true })
  queuedAt: Date | null;
}
