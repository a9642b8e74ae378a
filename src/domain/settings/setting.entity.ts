import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Key/value settings kept in the database (generated secrets, region rules). */
@Entity('app_setting')
export class Setting {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
