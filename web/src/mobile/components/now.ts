// One ticking clock for every countdown on screen, corrected by the server's time (serverNow of the
// queue), so a phone whose clock is off still shows the deadlines the server enforces.
import { ref, type Ref } from 'vue';

const now = ref(Date.now());
let offset = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Takes the server's time from an answer that carries it. */
export function syncServerTime(serverNow: string | undefined | null): void {
  const t = serverNow ? Date.parse(serverNow) : NaN;
  if (Number.isFinite(t)) offset = t - Date.now();
  now.value = Date.now() + offset;
}

/** The current time in ms, updated every second while any page uses it. */
export function useNow(): Ref<number> {
  timer ??= setInterval(() => (now.value = Date.now() + offset), 1000);
  return now;
}
