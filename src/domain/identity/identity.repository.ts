import { Unit } from '../catalog/unit.entity';
import type { RepoContext } from '../db/store';
import { ReturnVisit } from '../desk/records/return-visit.entity';
import type { Role } from './actor';
import { User } from './user.entity';

/** An active user behind a WeCom id, with their unit and whether a return-visit survey awaits their answer. */
export interface WecomSenderRow {
  id: number;
  username: string;
  name: string;
  role: Role;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  /** A survey in state `asked` exists (the caller applies the answer window). */
  surveyAsked: boolean;
}

/** Filters of the user list. */
export interface UserFilter {
  role?: Role;
  unitId?: number;
}

/** Users (accounts of people, with their optional WeCom id). */
export function makeIdentityRepository({ em }: RepoContext) {
  return {
    byId: (id: number): Promise<User | null> => em.findOneBy(User, { id }),
    byUsername: (username: string): Promise<User | null> => em.findOneBy(User, { username }),
    byWecomId: (wecomUserId: string): Promise<User | null> => em.findOneBy(User, { wecomUserId }),
    anyAdmin: (): Promise<User | null> => em.findOneBy(User, { role: 'admin' }),
    /** Every bot turn starts here: one statement for the sender, their unit and their open-survey flag. */
    async wecomSender(wecomUserId: string): Promise<WecomSenderRow | null> {
      const row: Record<string, unknown> | undefined = await em
        .createQueryBuilder(User, 'u')
        .leftJoin(Unit, 'un', 'un.id = u.unitId')
        .select('u.id', 'id')
        .addSelect('u.username', 'username')
        .addSelect('u.name', 'name')
        .addSelect('u.role', 'role')
        .addSelect('u.unitId', 'unitId')
        .addSelect('un.code', 'unitCode')
        .addSelect('un.name', 'unitName')
        .addSelect(
          (sub) => sub.select('COUNT(*)').from(ReturnVisit, 'rv').where('rv.userId = u.id').andWhere("rv.status = 'asked'"),
          'surveysAsked',
        )
        .where('u.wecomUserId = :wecomUserId', { wecomUserId })
        .andWhere('u.active = :active', { active: true })
        .getRawOne();
      if (!row) return null;
      return {
        id: Number(row.id),
        username: String(row.username),
        name: String(row.name),
        role: row.role as Role,
        unitId: row.unitId === null ? null : Number(row.unitId),
        unitCode: (row.unitCode as string | null) ?? null,
        unitName: (row.unitName as string | null) ?? null,
        surveyAsked: Number(row.surveysAsked) > 0,
      };
    },
    /** Display names of users by id (transition and ticket timelines). */
    async namesByIds(ids: number[]): Promise<Map<number, string>> {
      if (ids.length === 0) return new Map();
      const rows = await em.createQueryBuilder(User, 'u').select(['u.id', 'u.name']).where('u.id IN (:...ids)', { ids }).getMany();
      return new Map(rows.map((u) => [u.id, u.name]));
    },
    async insert(values: Omit<User, 'id'>): Promise<User> {
      return em.save(em.create(User, values));
    },
    async update(id: number, patch: Partial<Omit<User, 'id'>>): Promise<void> {
      await em.update(User, id, patch);
    },
    page: (f: UserFilter, window: { skip: number; take: number }): Promise<[User[], number]> =>
      em.findAndCount(User, {
        where: { ...(f.role ? { role: f.role } : {}), ...(f.unitId !== undefined ? { unitId: f.unitId } : {}) },
        order: { id: 'ASC' },
        ...window,
      }),
  };
}
export type IdentityRepository = ReturnType<typeof makeIdentityRepository>;
