import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../../db/columns';

/** An admin-imported day of the official calendar; it wins over the bundled data for its date. */
@Entity('sla_calendar_day')
export class CalendarDay {
  @PrimaryGeneratedColumn()
  id: number;

  /** YYYY-MM-DD (Asia/Shanghai business date). */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 10 })
  date: string;

  /** holiday = 放假; workday = 调休上班 (or a weekday declared a working day). */
  @Column({ type: 'varchar', length: 8 })
  kind: 'holiday' | 'workday';

  @Column({ type: 'varchar', length: 32, nullable: true })
  name: string | null;

  @Index()
  @Column({ type: 'integer' })
  year: number;

  @InstantColumn()
  importedAt: Date;

  @Column({ type: 'varchar', length: 64 })
  importedBy: string;
}
