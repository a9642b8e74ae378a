import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** 分次限量: the most a unit may apply for at once for one bill type. No row = no cap. */
@Entity('application_cap')
@Unique(['unitId', 'billTypeId'])
export class ApplicationCap {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  unitId: number;

  @Column({ type: 'integer' })
  billTypeId: number;

  @Column({ type: 'integer' })
  maxQuantity: number;
}
