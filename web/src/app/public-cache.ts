// Published targets seen in the public list, by id, so the detail view opens at once;
// a detail opened directly (a bookmark) pages through the public list to find it.
import { api, must, type PublicTarget } from "./api";

const seen = new Map<string, PublicTarget>();

export function remember(items: PublicTarget[]): void {
  for (const t of items) seen.set(t.id, t);
}

/** The published target with this id, or null (the public list has no per-id route). */
export async function publicTarget(id: string, year?: number): Promise<PublicTarget | null> {
  const hit = seen.get(id);
  if (hit) return hit;
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await must(api.GET("/api/v1/public/targets", { params: { query: { fiscal_year: year, cursor, limit: 200 } } }));
    remember(page.items);
    const found = page.items.find((t) => t.id === id);
    if (found) return found;
    if (!page.next_cursor) return null;
    cursor = page.next_cursor;
  }
  return null;
}
