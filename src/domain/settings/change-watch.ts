import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';

/** How stale another process's change may be here: a watched version row is read at most this often. */
export const CHANGE_CHECK_MS = 1000;
/** A full reload however the version looks: bounds what a lost version write could leave stale. */
const RELOAD_MS = 5 * 60_000;

/**
 * What an in-memory copy of some data (the directory, the sessions) needs to stay correct across
 * processes: every change to the data rewrites a settings row in its own transaction, and each
 * process compares that row, at most once a second, with the one its copy was loaded under. So a
 * change made in another process (the worker, a second app process, a CLI tool) reaches this one
 * within a second, at the cost of one statement a second rather than one a request.
 */
export interface ChangeWatch {
  /** Call before using the copy: calls `drop` when the version moved, or the copy is over 5 minutes old. */
  sync(drop: () => void): Promise<void>;
  /** After this process's own change (copy already dropped): its version write must not count as another's. */
  recheck(): void;
}

export function makeChangeWatch(deps: { store: DomainStore; clock: Clock }, key: string): ChangeWatch {
  let checkedAt = Number.NEGATIVE_INFINITY;
  let droppedAt = Number.NEGATIVE_INFINITY;
  let version: string | null | undefined;
  let checking: Promise<void> | null = null;
  const check = async (now: number, drop: () => void): Promise<void> => {
    const seen = await deps.store.read.settings.get(key);
    if (seen !== version || now - droppedAt >= RELOAD_MS) {
      drop();
      droppedAt = now;
    }
    version = seen;
  };
  return {
    async sync(drop) {
      const now = deps.clock.now().getTime();
      if (now - checkedAt >= CHANGE_CHECK_MS) {
        checkedAt = now;
        checking ??= check(now, drop).finally(() => (checking = null));
      }
      if (checking) await checking;
    },
    recheck() {
      checkedAt = Number.NEGATIVE_INFINITY;
    },
  };
}
