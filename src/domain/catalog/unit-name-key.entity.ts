import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { MAX_NAME_KEY_CHARS } from './unit-names';

/**
 * One normalised name a unit answers to (its full name or a short name, see `unitNameKeys`). The
 * unique index on `key` is what keeps two units from sharing a name, in every process at once; the
 * catalog service checks it first only to name the unit that holds the name.
 */
@Entity('unit_name')
export class UnitNameKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: 'integer' })
  unitId: number;

  /** At most MAX_NAME_KEY_CHARS: room for NFKC's expansions, under PostgreSQL's limit on a B-tree index entry. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: MAX_NAME_KEY_CHARS })
  key: string;
}
