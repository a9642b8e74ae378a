/** Base of all business errors; the API maps each subclass to a status code in one place. */
export abstract class DomainError extends Error {
  abstract readonly code: 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED';
  constructor(
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
