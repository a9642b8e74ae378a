import { DomainError } from '../../domain/errors';

/** A refusal of the domain (not found, not yours) reads as "nothing to show"; anything else is a fault. */
export function nullIfRefused(e: unknown): null {
  if (e instanceof DomainError) return null;
  throw e;
}
