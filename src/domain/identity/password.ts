import { hash, verify } from '@node-rs/argon2';

// argon2id with the library defaults (19 MiB, t=2) — OWASP's recommended minimum.
/** Hashes a password with argon2id. */
export function hashPassword(plain: string): Promise<string> {
  return hash(plain);
}

/** Checks a password against an argon2 PHC string; false on any malformed hash. */
export async function verifyPassword(phc: string, plain: string): Promise<boolean> {
  try {
    return await verify(phc, plain);
  } catch {
    return false;
  }
}
