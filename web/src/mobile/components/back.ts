// 返回 on a page opened straight from a WeCom message or a typed URL: there is no page to go back to,
// so it goes to the list the page belongs to instead of doing nothing.
import type { RouteLocationRaw, Router } from 'vue-router';

export function goBack(router: Router, fallback: RouteLocationRaw): void {
  const state = window.history.state as { back?: unknown } | null;
  if (state && typeof state.back === 'string') router.back();
  else void router.replace(fallback);
}
