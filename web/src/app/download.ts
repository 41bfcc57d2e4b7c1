// Downloads of the national tables as Excel (crates/server/SHEETS-API.md): `fetch` with the
// client's headers (the session cookie same-origin, or the developer's bearer token as api.ts
// sends it), a refusal (application/problem+json) shown with ElMessage in the server's words,
// the file handed to the browser through an object URL and an `<a download>` click, named
// from Content-Disposition (`filename*=UTF-8''…` decoded, else `filename`). No rule and no
// file layout lives here: the workbook is the server's.
import { ref, type Ref } from "vue";
import { ElMessage } from "element-plus/es/components/message/index.mjs";
import "element-plus/es/components/message/style/css";
import { ApiError, apiBase, problemMessage, requestHeaders } from "./api";

/** A query string's values; `undefined` and "" leave the parameter out. */
export type Query = Record<string, string | number | undefined | null>;

/** The file name of a Content-Disposition header: RFC 5987 `filename*` first, then `filename`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
  if (star) {
    try {
      const name = decodeURIComponent(star[2].trim().replace(/^"|"$/g, ""));
      if (name) return name;
    } catch {
      // a malformed escape: the plain name below
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
  const name = (plain?.[2] ?? plain?.[1] ?? "").trim();
  return name || fallback;
}

function urlOf(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return `${apiBase()}${path}${s ? `?${s}` : ""}`;
}

async function problemOf(res: Response): Promise<ApiError> {
  let problem: Record<string, unknown> = {};
  try {
    const body: unknown = await res.json();
    if (body && typeof body === "object") problem = body as Record<string, unknown>;
  } catch {
    // not JSON: the status's own message
  }
  const retry = Number(res.headers.get("Retry-After"));
  return new ApiError(res.status, problem, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.className = "sr-only";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Downloads `GET /api/v1{path}?{query}`; `fallback` names the file when the server gives no
 * name. Resolves to true once the browser has the file; on a refusal or a network failure it
 * shows the server's detail (ElMessage) and resolves to false.
 */
export async function download(path: string, query: Query = {}, fallback = "jixiao.xlsx"): Promise<boolean> {
  try {
    let res: Response;
    try {
      res = await fetch(urlOf(path, query), { headers: requestHeaders("GET"), credentials: "same-origin" });
    } catch {
      throw new ApiError(0, {});
    }
    if (!res.ok) {
      if (res.status === 401) window.dispatchEvent(new CustomEvent("jixiao:unauthorized"));
      throw await problemOf(res);
    }
    saveBlob(await res.blob(), fileNameOf(res.headers.get("Content-Disposition"), fallback));
    return true;
  } catch (e) {
    ElMessage({ type: "error", message: `下载失败：${problemMessage(e)}`, showClose: true, duration: 6000 });
    return false;
  }
}

/** A download with a busy flag for its button's loading state. */
export function useDownload(): { busy: Ref<boolean>; run: (path: string, query?: Query, fallback?: string) => Promise<boolean> } {
  const busy = ref(false);
  async function run(path: string, query: Query = {}, fallback?: string): Promise<boolean> {
    if (busy.value) return false;
    busy.value = true;
    try {
      return await download(path, query, fallback);
    } finally {
      busy.value = false;
    }
  }
  return { busy, run };
}
