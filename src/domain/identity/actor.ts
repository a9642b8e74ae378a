import { ForbiddenError } from '../errors';

export const ROLES = ['admin', 'operator', 'engineer', 'leader', 'unit_staff'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: carried from the token (API) or the WeCom identity (bot) into every service call. */
export interface Actor {
  userId: number;
  username: string;
  role: Role;
  /** Set for unit_staff only: the one unit they may see and act for. */
  unitId: number | null;
  unitCode: string | null;
}

/** The system itself (jobs, demo loader, start-up). */
export const systemActor: Actor = { userId: 0, username: 'system', role: 'admin', unitId: null, unitCode: null };

export const BUREAU_ROLES: readonly Role[] = ['admin', 'operator'];

/** Throws unless the actor has one of the roles. */
export function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) throw new ForbiddenError('PERMISSION_DENIED', '无权执行此操作');
}

/** Unit staff may only see and act for their own unit; bureau roles may act for any. */
export function assertUnitAccess(actor: Actor, unitId: number): void {
  if (actor.role === 'unit_staff' && actor.unitId !== unitId) {
    throw new ForbiddenError('OTHER_UNIT', '只能查看或办理本单位的业务');
  }
}
