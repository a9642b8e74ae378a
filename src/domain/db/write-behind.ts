import type { Write } from './dialect';

/**
 * Rows a transaction appends that nothing in it reads back (the audit trail): held here and sent
 * as WITH parts of the transaction's next plain write, or on their own just before it commits
 * (store.ts). They commit or roll back with the rest; they only travel in a later round trip. Only
 * a transaction's repositories carry one; outside a transaction every write goes at once.
 */
export class WriteBehind {
  private queue: Write[] = [];

  add(w: Write): void {
    this.queue.push(w);
  }

  /** The held writes, oldest first; the queue is empty afterwards. */
  take(): Write[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }
}
