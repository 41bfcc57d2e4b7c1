// Downloads of the national tables as Excel (crates/server/SHEETS-API.md): the client's
// `fetchApi` (the session cookie same-origin, or the developer's bearer token as api.ts
// sends it), a refusal (application/problem+json) shown with ElMessage in the server's words,
// the file handed to the browser by `saveBlob` (lib/dom.ts), named from Content-Disposition
// (`fileNameOf`). No rule and no file layout lives here: the workbook is the server's.
import { ref, type Ref } from "vue";
import { ElMessage } from "element-plus/es/components/message/index.mjs";
import "element-plus/es/components/message/style/css";
import { fetchApi, fileNameOf, problemMessage, type Query } from "./api";
import { saveBlob } from "../lib/dom";

export type { Query };

/**
 * Downloads `GET /api/v1{path}?{query}`; `fallback` names the file when the server gives no
 * name. Resolves to true once the browser has the file; on a refusal or a network failure it
 * shows the server's detail (ElMessage) and resolves to false.
 */
export async function download(path: string, query: Query = {}, fallback = "jixiao.xlsx"): Promise<boolean> {
  try {
    const res = await fetchApi(path, query);
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
