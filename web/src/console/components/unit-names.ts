// Unit names beside the codes the ledger lists carry: read once per page from GET /units (the
// names a desk knows units by), looked up by code; an unknown code shows as itself.
import { ref } from 'vue';
import { api } from '../../shared/http';

export function useUnitNames() {
  const names = ref<Map<string, string>>(new Map());
  let first = true;
  async function fetchPage(q?: string): Promise<void> {
    const page = await api.get('/api/v1/units', { query: { q, pageSize: 200 }, quiet: true }).catch(() => null);
    const next = new Map(names.value);
    for (const u of (page?.items ?? []) as Array<{ code: string; name: string }>) next.set(u.code, u.name);
    names.value = next;
  }
  async function loadUnitNames(codes: ReadonlyArray<string | null>): Promise<void> {
    const missing = () => [...new Set(codes.filter((c): c is string => !!c && !names.value.has(c)))];
    if (first && missing().length > 0) {
      first = false;
      await fetchPage();
    }
    // Beyond the first 200 units: one search per code still unknown.
    for (const code of missing()) await fetchPage(code);
  }
  const unitName = (code: string | null): string => (code ? (names.value.get(code) ?? code) : '财政局');
  return { unitName, loadUnitNames };
}
