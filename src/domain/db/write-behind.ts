import type { Write } from './dialect';

/**
 * What a transaction has not yet waited for:
 * - rows it appends that nothing in it reads back (the audit trail): held here and sent as WITH
 *   parts of the transaction's next plain write, or on their own just before it commits;
 * - writes already on its connection whose answers are still coming (PostgreSQL's pipelined
 *   `Dialect.send`): awaited before it commits (store.ts).
 * Both commit or roll back with the rest; they only spare the transaction a wait. Only a
 * transaction's repositories carry one; outside a transaction every write is awaited at once.
 */
export class WriteBehind {
  private queue: Write[] = [];
  private inFlight: Array<Promise<void>> = [];
  private failure: { err: unknown } | null = null;

  add(w: Write): void {
    this.queue.push(w);
  }

  /** The held writes, oldest first; the queue is empty afterwards. */
  take(): Write[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }

  /** A sent write's answer, to wait for before the commit; its failure is kept (never unhandled). */
  track(answer: Promise<void>): void {
    this.inFlight.push(
      answer.catch((err: unknown) => {
        this.failure ??= { err };
      }),
    );
  }

  /** Waits for every sent write; throws the first that failed. */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
    this.inFlight = [];
    if (this.failure) throw this.failure.err;
  }

  /**
   * The error to report when the transaction's work threw `err`: a sent write that failed came
   * first (every statement after it fails only because the transaction is aborted), so it is the cause.
   */
  async cause(err: unknown): Promise<unknown> {
    await Promise.all(this.inFlight);
    return this.failure ? this.failure.err : err;
  }
}
