// One ticking clock for every countdown on screen, corrected by the server's time (serverNow of the
// queue), so a phone whose clock is off still shows the deadlines the server enforces.
import { ref, type Ref } from 'vue';
import { api } from '../../shared/http';

const now = ref(Date.now());
let offset = 0;
let synced = false;
let timer: ReturnType<typeof setInterval> | undefined;

/** Takes the server's time from an answer that carries it. */
export function syncServerTime(serverNow: string | undefined | null): void {
  const t = serverNow ? Date.parse(serverNow) : NaN;
  if (Number.isFinite(t)) {
    offset = t - Date.now();
    synced = true;
  }
  now.value = Date.now() + offset;
}

/** Asks the server for its time once per visit (a page opened straight from a link has not read the queue). */
export async function ensureServerTime(): Promise<void> {
  if (synced) return;
  try {
    syncServerTime((await api.get('/api/v1/workbench/clock', { quiet: true })).serverNow);
  } catch {
    // The phone's own clock stays the reference.
  }
}

/** The current time in ms, updated every second while any page uses it. */
export function useNow(): Ref<number> {
  timer ??= setInterval(() => (now.value = Date.now() + offset), 1000);
  return now;
}
