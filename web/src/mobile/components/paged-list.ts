// Lists load 20 at a time with pull-to-refresh (web.md): the state van-pull-refresh and van-list need.
import { ref, type Ref } from 'vue';

export interface PageOf<T> {
  items: T[];
  total: number;
}

export function usePagedList<T>(load: (page: number, pageSize: number) => Promise<PageOf<T>>, pageSize = 20) {
  const items = ref([]) as Ref<T[]>;
  const total = ref(0);
  const loading = ref(false);
  const finished = ref(false);
  const refreshing = ref(false);
  const failed = ref(false);
  let page = 0;

  /** van-list's @load: the next page (the first one on mount). */
  async function onLoad(): Promise<void> {
    loading.value = true;
    try {
      const r = await load(page + 1, pageSize);
      page += 1;
      items.value = page === 1 ? r.items : [...items.value, ...r.items];
      total.value = r.total;
      finished.value = items.value.length >= r.total || r.items.length < pageSize;
    } catch {
      // The wrapper already showed the server's message; van-list offers a retry.
      failed.value = true;
    } finally {
      loading.value = false;
      refreshing.value = false;
    }
  }

  /** Pull-to-refresh: start again from the first page. */
  async function refresh(): Promise<void> {
    page = 0;
    finished.value = false;
    failed.value = false;
    refreshing.value = true;
    await onLoad();
  }

  return { items, total, loading, finished, refreshing, failed, onLoad, refresh };
}
