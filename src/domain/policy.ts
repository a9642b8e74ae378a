import { ForbiddenError } from './errors';
import { systemActor, type Actor, type Role } from './identity/actor';

const ALL: readonly Role[] = ['admin', 'operator', 'engineer', 'leader', 'unit_staff'];
const BUREAU: readonly Role[] = ['admin', 'operator'];
const BUREAU_AND_UNITS: readonly Role[] = ['admin', 'operator', 'unit_staff'];
const STAFF: readonly Role[] = ['admin', 'operator', 'engineer', 'leader'];
const DESK: readonly Role[] = ['admin', 'operator', 'engineer'];

/**
 * The one permission matrix: every named permission and the roles that carry it. Routes, services,
 * the bot and the workbench ask this table (GET /api/v1/me lists a caller's names). Unit staff
 * additionally see and act only for their own unit: `assertUnitAccess`.
 */
export const PERMISSIONS = {
  // reference data and people
  'catalog.edit': BUREAU, // bill types, units, caps
  'user.read': ['admin'],
  'user.manage': ['admin'],
  'audit.read': ['admin'],
  // warehouse and printing
  'receipt.create': BUREAU,
  'receipt.read': STAFF,
  'print.plan.edit': BUREAU,
  'print.plan.read': STAFF,
  'stock.read.bureau': STAFF,
  'stock.read.unit': ALL,
  'warehouse.manage': BUREAU, // stock voids and destructions of the bureau's own stock
  // applications and issuance
  'application.create': BUREAU_AND_UNITS,
  'application.read': ALL,
  'application.approve': BUREAU,
  'application.issue': BUREAU,
  'application.amend': BUREAU,
  // line documents
  'writeoff.report': BUREAU_AND_UNITS,
  'writeoff.approve': BUREAU,
  'return.request': BUREAU_AND_UNITS,
  'return.approve': BUREAU,
  'stock-void.request': BUREAU_AND_UNITS,
  'stock-void.approve': BUREAU,
  'destruction.request': BUREAU_AND_UNITS,
  'destruction.approve': BUREAU,
  'destruction.confirm.bureau': BUREAU,
  'destruction.confirm.unit': BUREAU_AND_UNITS,
  'document.read': ALL,
  // reports
  'report.read.unit': ALL,
  'report.read.bureau': STAFF,
  'report.sla.read': STAFF,
  'report.desk.read': STAFF,
  // service desk
  'ticket.read': ALL,
  'ticket.handle': DESK, // claim, reply, wait, dispatch, arrive, resolve, assign
  'ticket.add-info': ['admin', 'operator', 'engineer', 'unit_staff'],
  'desk.record.write': DESK, // consultations, visits, inspections, trainings, announcements
  'desk.record.read': STAFF,
  'desk.settings.read': STAFF,
  'desk.settings.edit': ['admin'],
  'region.read': STAFF, // region values answers use (bureau name, address, phone, URLs …)
  'region.edit': ['admin'],
  'training.request': ALL,
  'training.request.manage': DESK,
  'sla.calendar.edit': ['admin'],
  'incident.read': STAFF,
  'monitoring.manage': ['admin'],
  'inspection.run': ['admin', 'engineer'],
  'summary.run': ['admin', 'leader'],
  'summary.read': STAFF,
  // bot and knowledge base
  'bot.chat': ALL, // POST /bot/messages as oneself (the workbench's chat)
  'bot.simulate': ['admin'], // … as another WeCom member, for tests
  'kb.read': STAFF,
  'kb.edit': DESK,
  'kb.review': BUREAU,
  'kb.train': BUREAU,
  'queues.dashboard': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Whether the actor's role carries the permission. */
export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}

/** Throws 403 PERMISSION_DENIED unless the actor's role carries the permission. */
export function requirePermission(actor: Pick<Actor, 'role'>, permission: Permission): void {
  if (!can(actor, permission)) throw new ForbiddenError('PERMISSION_DENIED', '无权执行此操作');
}

/** Every permission a role carries, in the table's order (GET /api/v1/me). */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => (PERMISSIONS[p] as readonly Role[]).includes(role));
}

/** Unit staff act only for their own unit; every other role may act for any unit. */
export const isUnitScoped = (actor: Pick<Actor, 'role'>): boolean => actor.role === 'unit_staff';

/** Unit staff may only see and act for their own unit; bureau roles may act for any. */
export function assertUnitAccess(actor: Actor, unitId: number | null): void {
  if (isUnitScoped(actor) && (unitId === null || actor.unitId !== unitId)) {
    throw new ForbiddenError('OTHER_UNIT', '只能查看或办理本单位的业务');
  }
}

/** 不相容岗位相互分离 (SEPARATION_OF_DUTIES): on unless a one-person office switches it off. */
export interface Duties {
  separate: boolean;
}

/** Who made a document: its creator (also when entering it for a unit, 代录) and whoever last submitted it. */
export interface Makers {
  createdBy: number;
  submittedBy: number | null;
}

/** The maker of a document cannot approve or reject it (403 SAME_PERSON), unless the rule is off. */
export function assertNotMaker(duties: Duties, actor: Actor, makers: Makers, what: string): void {
  // The system (imports, the demo loader, jobs) holds no post: only people are kept apart.
  if (!duties.separate || actor.userId === systemActor.userId) return;
  if (actor.userId === makers.createdBy || actor.userId === makers.submittedBy) {
    throw new ForbiddenError('SAME_PERSON', `不相容岗位相互分离：${what}由您录入或提交，须由另一位工作人员审核`);
  }
}

/** Two confirmations of one act (a destruction's 监销 and the unit's) need two different people. */
export function assertSecondPerson(duties: Duties, actor: Actor, others: readonly number[], what: string): void {
  if (duties.separate && actor.userId !== systemActor.userId && others.includes(actor.userId)) {
    throw new ForbiddenError('SAME_PERSON', `不相容岗位相互分离：${what}须由另一位工作人员办理`);
  }
}
