import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

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

  /**
   * NFKC can lengthen a 128-character name (a few compatibility characters expand to several);
   * 512 leaves room for that and stays under PostgreSQL's limit on a B-tree index entry.
   */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 512 })
  key: string;
}
