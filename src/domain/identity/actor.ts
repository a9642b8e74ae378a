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
