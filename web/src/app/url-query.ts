// Filters kept in the URL query (#/review?status=submitted&q=…): a reload, a bookmark or
// the back button gives the same list.
import { computed } from "vue";
import { useRoute, useRouter, type LocationQueryRaw } from "vue-router";

/** The string value of a query parameter ("" when absent). */
export function str(v: unknown): string {
  if (Array.isArray(v)) return str(v[0]);
  return typeof v === "string" ? v : "";
}

/** The named parameters of the current route's query, and `set` to change some of them. */
export function useUrlQuery<K extends string>(keys: readonly K[]) {
  const route = useRoute();
  const router = useRouter();
  const values = computed(() => Object.fromEntries(keys.map((k) => [k, str(route.query[k])])) as Record<K, string>);
  function set(patch: Partial<Record<K, string>>): void {
    const next: LocationQueryRaw = { ...route.query };
    for (const [k, v] of Object.entries(patch) as [string, string | undefined][]) {
      if (v) next[k] = v;
      else delete next[k];
    }
    void router.replace({ path: route.path, query: next });
  }
  return { values, set };
}

/** Page size from `?limit=` (1–200), else the server's default. */
export function pageSize(v: string): number | undefined {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 200 ? n : undefined;
}
