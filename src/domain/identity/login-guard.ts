import { hashPassword, verifyPassword } from './password';

/** Failed passwords before an account locks, and for how long (domain.md: 系统管理). */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

/** Counts login attempts per client address (Redis, with the database when Redis is down). */
export interface LoginLimiter {
  /** Records one attempt; false when the address is over its limit (the attempt is refused unchecked). */
  attempt(clientKey: string, now: Date): Promise<{ allowed: boolean; retryAfterS: number }>;
}

// A real argon2id hash of a random string: refusals that have no hash to check still pay for one
// verification, so an unknown, locked or inactive name answers in the same time as a wrong password.
let dummy: Promise<string> | undefined;

/** Spends one password verification without a real account behind it. */
export async function spendOneVerification(password: string): Promise<void> {
  dummy ??= hashPassword(`no-such-account-${Math.random()}`);
  await verifyPassword(await dummy, password);
}
