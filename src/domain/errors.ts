/**
 * Stable machine codes of refusals (`error.reason` in the API). Clients, the bot and the web tell
 * conflicts apart by these, never by the Chinese message. The descriptions feed the OpenAPI
 * document; adding a reason is fine, renaming or removing one breaks clients.
 */
export const REASONS = {
  // 400
  INVALID_INPUT: 'A field is missing, malformed or out of range; details name the field',
  INVALID_RANGE: 'A number range is malformed: start after end, not a 10-digit number, unknown batch or a batch of another bill type',
  LINES_OVERLAP: 'Two lines of one document share numbers',
  BODY_NOT_JSON: 'The request body is not valid JSON (or not a supported content type)',
  BODY_TOO_LARGE: 'The request body exceeds the size limit',
  METHOD_NOT_ALLOWED: 'The path exists but not with this HTTP method',
  // 401
  NOT_SIGNED_IN: 'No credentials were sent',
  TOKEN_INVALID: 'The token or session is expired, malformed, revoked or signed with another key',
  LOGIN_FAILED: 'Unknown user, wrong password, locked or inactive account (deliberately indistinguishable)',
  ACCOUNT_INACTIVE: 'The account behind a valid token was deactivated or deleted',
  // 403
  PERMISSION_DENIED: "The caller's role does not carry the permission this action needs",
  OTHER_UNIT: 'Unit staff may only see and act for their own unit',
  NO_UNIT: 'A unit-staff account is not linked to a unit',
  SAME_PERSON: 'Separation of duties: the maker of a document cannot check it, and two confirmations need two people',
  PASSWORD_CHANGE_REQUIRED: 'The password was reset by an admin: change it before doing anything else',
  LINK_EXPIRED: 'A signed link has expired or was not issued to this person',
  CROSS_SITE: 'A cross-site request was refused',
  CSRF_TOKEN_MISMATCH: "A state-changing request on a cookie session did not carry the session's CSRF token (X-CSRF-Token)",
  // 404
  NOT_FOUND: 'No such path',
  UNIT_NOT_FOUND: 'No unit with this code',
  BILL_TYPE_NOT_FOUND: 'No bill type with this code',
  DOCUMENT_NOT_FOUND: 'No document (application, write-off, return, stock void, destruction, print plan or order) with this id',
  USER_NOT_FOUND: 'No such user or WeCom member',
  TICKET_NOT_FOUND: 'No help-desk ticket with this id',
  RECORD_NOT_FOUND: 'No such desk record (consultation, visit, inspection, training, announcement, summary)',
  KB_ITEM_NOT_FOUND: 'No such knowledge-base intent or change',
  SETTING_NOT_FOUND: 'No region setting with this key',
  FEATURE_DISABLED: 'The feature is switched off by configuration',
  // 409
  STOCK_INSUFFICIENT: 'The warehouse holds fewer bills of this type than asked for; details give the number available',
  RANGE_NOT_HELD: 'Some numbers are not where the action needs them (for example not in the unit’s stock); details list them',
  RANGE_RESERVED: 'Some numbers are already on another document awaiting review',
  RANGE_ALREADY_RECEIVED: 'Some numbers of this batch were received before',
  BATCH_OTHER_TYPE: 'The batch code belongs to another bill type',
  STATE_NOT_ALLOWED: 'The document or record is in a state that does not allow this action',
  CAP_EXCEEDED: 'The quantity exceeds the unit’s cap for this bill type (分次限量)',
  PENDING_WRITEOFFS: '核旧领新: a write-off of this bill type is submitted or returned and not yet approved',
  WRITEOFF_OVERDUE: '核旧领新: the unit holds numbers issued long ago and has no recent approved write-off',
  RETENTION_NOT_OVER: 'Stubs are still within their retention period and cannot be destroyed',
  PLAN_EXCEEDED: 'Print orders would exceed the approved print plan',
  INACTIVE: 'The unit or bill type is deactivated',
  DUPLICATE: 'A record with this code, name or account already exists',
  LAST_ADMIN: 'The last active admin cannot be deactivated or given another role',
  NO_RECIPIENTS: 'Nobody could receive the message',
  DATABASE_NOT_EMPTY: 'The operation needs an empty database',
  // 429
  RATE_LIMITED: 'Too many attempts; try again later',
} as const;
export type Reason = keyof typeof REASONS;

export type ErrorCode = 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'RATE_LIMITED';

/** Base of all business errors; the API maps each subclass to a status code in one place. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    readonly reason: Reason,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'VALIDATION' as const;
}
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
}
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
}
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
}
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED' as const;
}
