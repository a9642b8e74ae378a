/**
 * A read started now, so that it travels with the statements started next to it, and awaited only
 * after the checks before it have passed: if one of them throws first, this promise is dropped,
 * and its failure (if any) must not surface as an unhandled rejection. Awaiting it still throws.
 */
export function awaitedLater<T>(started: Promise<T>): Promise<T> {
  started.catch(() => undefined);
  return started;
}
