import { In, IsNull, Not } from 'typeorm';
import type { RepoContext } from '../db/store';
import type { Role } from './actor';
import { User } from './user.entity';

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
    activeByWecomId: (wecomUserId: string): Promise<User | null> => em.findOneBy(User, { wecomUserId, active: true }),
    anyAdmin: (): Promise<User | null> => em.findOneBy(User, { role: 'admin' }),
    /** Display names of users by id (transition and ticket timelines). */
    async namesByIds(ids: number[]): Promise<Map<number, string>> {
      if (ids.length === 0) return new Map();
      const rows = await em.createQueryBuilder(User, 'u').select(['u.id', 'u.name']).where('u.id IN (:...ids)', { ids }).getMany();
      return new Map(rows.map((u) => [u.id, u.name]));
    },
    /** Active users of a role, oldest first: who receives a push (only `withWecomId`), optionally of some units. */
    activeWithRole(role: Role, f: { unitIds?: number[]; withWecomId?: boolean } = {}): Promise<User[]> {
      if (f.unitIds?.length === 0) return Promise.resolve([]);
      return em.find(User, {
        where: {
          role,
          active: true,
          ...(f.unitIds ? { unitId: In(f.unitIds) } : {}),
          ...(f.withWecomId ? { wecomUserId: Not(IsNull()) } : {}),
        },
        order: { id: 'ASC' },
      });
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
