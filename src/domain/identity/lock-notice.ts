import { DateTime } from 'luxon';
import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import { MAX_FAILED_LOGINS } from './login-guard';
import type { LockNotice } from './user.service';

/**
 * Tells the owner of an account that has just been locked, as a WeCom app message through the
 * outbox. The lock's until-time is part of the dedupe key, so concurrent failed checks that all
 * see the same lock give one message, and a later lock gives a new one. Users without a WeCom id
 * are not told (there is nowhere to tell them).
 */
export function makeLockNotice(deps: { store: DomainStore; clock: Clock }): LockNotice {
  return async (user, lockedUntil) => {
    const to = user.wecomUserId;
    if (!to) return;
    const until = DateTime.fromJSDate(lockedUntil, { zone: 'Asia/Shanghai' }).toFormat('HH:mm');
    const content = `您的账号（${user.username}）因连续 ${MAX_FAILED_LOGINS} 次密码错误已锁定至 ${until}；如非本人操作，请联系管理员。`;
    await deps.store.standalone((w) =>
      w.outbox.enqueue(
        `account-locked-${user.id}-${lockedUntil.getTime()}`,
        { channel: 'app', toUsers: [to], kind: 'text', content },
        deps.clock.now(),
        // Once the lock has lapsed the notice is only noise.
        { at: lockedUntil, reason: 'lock notice: the lock it reports has lapsed' },
      ),
    );
  };
}
