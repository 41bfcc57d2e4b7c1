// The evidence files (佐证材料) of a self-evaluation (crates/server/EVALUATION-API.md): the
// list (name, size, who and when, SHA-256), downloads, and — while the self-evaluation may
// change (draft / returned) — upload with progress and removal. Which files are accepted is
// the server's decision (name and first bytes, size, count); its refusals are explained in
// Chinese with the server's own detail. Downloads need the bearer token, so a file is fetched
// into a Blob and saved under its name through an object URL. Used by the department's form,
// finance's results page and the assessor's page.

import { API, ApiError, authHeaders } from "../lib/api";
import type { Problem } from "../lib/api";
import { currentLocale, register } from "../lib/i18n";
import { fill, h, problemText, request, t, when } from "../review/common";
import type { Evidence } from "./common";

/** The file kinds the server accepts, for the file picker (it checks name and content itself). */
export const ACCEPT = ".pdf,.ofd,.jpg,.jpeg,.png,.xlsx,.docx,.xls,.doc,.zip";
/** The server's size limit per file (20 MiB): larger files are not sent at all. */
const MAX_BYTES = 20 * 1024 * 1024;

register(
  {
    "evidence.title": "佐证材料",
    "evidence.pick": "选择文件上传…",
    "evidence.hint": "可上传 PDF、OFD、JPG/JPEG、PNG、XLSX、DOCX、XLS、DOC、ZIP 文件，单个文件不超过 20 MiB，每份自评表最多 30 个；选择文件后即上传。",
    "evidence.readonly": "自评表已提交或已备案，佐证材料只能查看和下载",
    "evidence.none": "尚未上传佐证材料",
    "evidence.name": "文件名",
    "evidence.size": "大小",
    "evidence.by": "上传人",
    "evidence.at": "上传时间",
    "evidence.sha": "SHA-256 校验值",
    "evidence.download": "下载",
    "evidence.delete": "删除",
    "evidence.delete.confirm": "确定删除佐证材料「{name}」吗？",
    "evidence.deleted": "已删除「{name}」",
    "evidence.uploading": "正在上传「{name}」… {pct}",
    "evidence.uploaded": "已上传「{name}」",
    "evidence.refused": "「{name}」未上传：{why}",
    "evidence.why.415": "不接受此类型的文件，或文件内容与扩展名不符（可上传 PDF、OFD、JPG、PNG、XLSX、DOCX、XLS、DOC、ZIP）",
    "evidence.why.413": "文件超过 20 MiB 的上限",
    "evidence.why.400": "文件为空或文件名不符合要求",
    "evidence.why.409.same": "已上传过内容相同的文件",
    "evidence.why.409.count": "每份自评表最多上传 30 个佐证材料",
    "evidence.why.409": "自评表已提交或已备案，不能再修改佐证材料",
    "evidence.why.network": "网络连接中断，请重试",
    "evidence.server": "服务器说明：{detail}",
    "evidence.delete_failed": "「{name}」未删除：{why}",
    "evidence.download_failed": "「{name}」下载失败：{detail}",
  },
  {
    "evidence.title": "Evidence files",
    "evidence.pick": "Choose files to upload…",
    "evidence.hint": "PDF, OFD, JPG/JPEG, PNG, XLSX, DOCX, XLS, DOC or ZIP files, at most 20 MiB each and 30 per self-evaluation; a chosen file is uploaded at once.",
    "evidence.readonly": "The self-evaluation was submitted or filed: its evidence can only be viewed and downloaded",
    "evidence.none": "No evidence uploaded",
    "evidence.name": "File",
    "evidence.size": "Size",
    "evidence.by": "Uploaded by",
    "evidence.at": "Uploaded at",
    "evidence.sha": "SHA-256",
    "evidence.download": "Download",
    "evidence.delete": "Delete",
    "evidence.delete.confirm": "Delete the evidence file “{name}”?",
    "evidence.deleted": "Deleted “{name}”",
    "evidence.uploading": "Uploading “{name}”… {pct}",
    "evidence.uploaded": "Uploaded “{name}”",
    "evidence.refused": "“{name}” was not uploaded: {why}",
    "evidence.why.415": "files of this type are not accepted, or the content does not match the extension (accepted: PDF, OFD, JPG, PNG, XLSX, DOCX, XLS, DOC, ZIP)",
    "evidence.why.413": "the file is larger than 20 MiB",
    "evidence.why.400": "the file is empty or its name is not acceptable",
    "evidence.why.409.same": "a file with the same content is already attached",
    "evidence.why.409.count": "a self-evaluation takes at most 30 evidence files",
    "evidence.why.409": "the self-evaluation was submitted or filed; its evidence can no longer change",
    "evidence.why.network": "the connection failed; try again",
    "evidence.server": "server: {detail}",
    "evidence.delete_failed": "“{name}” was not deleted: {why}",
    "evidence.download_failed": "“{name}” could not be downloaded: {detail}",
  },
);

/** A size in bytes, briefly ("532 B", "12.4 KB", "3.1 MB"). */
export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Why the server refused a file, in the page language, followed by the server's own detail. */
export function refusalText(e: unknown): string {
  if (!(e instanceof ApiError)) return String(e);
  const p = e.problem;
  const detail = p.detail ?? p.title ?? "";
  let why: string;
  switch (p.status) {
    case 0:
      return t("evidence.why.network");
    case 400:
    case 413:
    case 415:
      why = t(`evidence.why.${p.status}`);
      break;
    case 409:
      why = /already attached|已作为/.test(detail) ? t("evidence.why.409.same") : /at most|最多上传/.test(detail) ? t("evidence.why.409.count") : t("evidence.why.409");
      break;
    default:
      return problemText(e);
  }
  return detail ? `${why}（${t("evidence.server", { detail })}）` : why;
}

async function problemOf(status: number, statusText: string, text: string): Promise<Problem> {
  let problem: Problem = { status, title: statusText };
  try {
    problem = { ...problem, ...(JSON.parse(text) as Problem), status };
  } catch {
    /* keep the status line */
  }
  return problem;
}

/** Uploads one file (its bytes as the body, its name in `?name=`), reporting the upload's progress. */
export async function uploadEvidence(evaluationId: string, file: File, progress: (fraction: number) => void): Promise<Evidence> {
  const auth = await authHeaders("POST");
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${API}/evaluations/${encodeURIComponent(evaluationId)}/evidence?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept-Language", currentLocale());
    for (const [k, v] of Object.entries(auth)) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener("progress", (ev) => {
      if (ev.lengthComputable && ev.total > 0) progress(ev.loaded / ev.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 201) {
        try {
          resolve(JSON.parse(xhr.responseText) as Evidence);
        } catch (e) {
          reject(new ApiError({ status: xhr.status, detail: String(e) }));
        }
      } else void problemOf(xhr.status, xhr.statusText, xhr.responseText).then((p) => reject(new ApiError(p)));
    });
    xhr.addEventListener("error", () => reject(new ApiError({ status: 0, title: "network", detail: "network error" })));
    xhr.send(file);
  });
}

/** Downloads a file with the bearer token and saves it under its name. */
export async function downloadEvidence(evaluationId: string, ev: Evidence): Promise<void> {
  const res = await fetch(`${API}/evaluations/${encodeURIComponent(evaluationId)}/evidence/${encodeURIComponent(ev.id)}`, {
    headers: { ...(await authHeaders("GET")), "Accept-Language": currentLocale() },
    credentials: "same-origin",
  }).catch((e: unknown) => {
    throw new ApiError({ status: 0, title: "network", detail: String(e) });
  });
  if (!res.ok) throw new ApiError(await problemOf(res.status, res.statusText, await res.text()));
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", { href: url, download: ev.file_name, class: "sr-only" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Options of the evidence section. */
export interface EvidenceOptions {
  /** Upload and delete allowed (the department, while the self-evaluation is a draft or returned). */
  editable: boolean;
  /** Called with the new list after an upload or a removal. */
  onChange?: (files: Evidence[]) => void;
}

/** The 佐证材料 section of one self-evaluation. */
export function evidenceSection(evaluationId: string, initial: Evidence[], opts: EvidenceOptions): HTMLElement {
  let files = [...initial];
  const heading = h("h3", {});
  const status = h("ul", { class: "evidence-status", id: "evidence-status", role: "status", "aria-live": "polite" });
  const listBox = h("div", { id: "evidence-list" });
  const section = h("section", { id: "evidence", class: "evidence", "data-editable": String(opts.editable) }, heading);

  const line = (cls: string, ...children: (Node | string)[]) => {
    const li = h("li", { class: cls }, ...children);
    status.append(li);
    return li;
  };

  const reload = async () => {
    try {
      files = await request<Evidence[]>("GET", `/evaluations/${encodeURIComponent(evaluationId)}/evidence`);
    } catch (e) {
      line("error", t("common.error", { detail: problemText(e) }));
    }
    render();
    opts.onChange?.(files);
  };

  const remove = async (ev: Evidence) => {
    if (!window.confirm(t("evidence.delete.confirm", { name: ev.file_name }))) return;
    status.replaceChildren();
    try {
      await request<void>("DELETE", `/evaluations/${encodeURIComponent(evaluationId)}/evidence/${encodeURIComponent(ev.id)}`);
      line("ok", t("evidence.deleted", { name: ev.file_name }));
    } catch (e) {
      line("error", t("evidence.delete_failed", { name: ev.file_name, why: refusalText(e) }));
    }
    await reload();
  };

  const render = () => {
    fill(heading, t("evidence.title"), ` (${files.length})`);
    if (!files.length) {
      fill(listBox, h("p", { class: "meta", id: "evidence-none" }, t("evidence.none")));
      return;
    }
    const cols = ["evidence.name", "evidence.size", "evidence.by", "evidence.at", "evidence.sha", ""];
    fill(
      listBox,
      h(
        "table",
        { id: "evidence-table", class: "evidence-table" },
        h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", { scope: "col", class: c === "evidence.size" ? "num" : c ? undefined : "no-print" }, c ? t(c) : "")))),
        h(
          "tbody",
          {},
          ...files.map((ev) => {
            const dl = h("button", { type: "button", class: "download", "data-id": ev.id }, t("evidence.download"));
            dl.addEventListener("click", () => {
              downloadEvidence(evaluationId, ev).catch((e: unknown) => line("error", t("evidence.download_failed", { name: ev.file_name, detail: problemText(e) })));
            });
            const del = opts.editable ? h("button", { type: "button", class: "delete", "data-id": ev.id }, t("evidence.delete")) : null;
            del?.addEventListener("click", () => void remove(ev));
            return h(
              "tr",
              { "data-id": ev.id, "data-name": ev.file_name },
              h("th", { scope: "row", class: "file-name" }, ev.file_name),
              h("td", { class: "num", "data-col": "size", title: `${ev.size_bytes} B` }, sizeText(ev.size_bytes)),
              h("td", {}, ev.uploaded_by),
              h("td", {}, when(ev.uploaded_at)),
              h("td", { "data-col": "sha" }, h("code", { title: ev.sha256, "data-sha256": ev.sha256 }, `${ev.sha256.slice(0, 12)}…`)),
              h("td", { class: "no-print actions" }, dl, del ? " " : null, del),
            );
          }),
        ),
      ),
    );
  };

  if (opts.editable) {
    // The native picker's own button text follows the browser's language, so it is hidden
    // (still focusable and announced) behind a label in the page's language.
    const input = h("input", { type: "file", id: "evidence-file", class: "sr-only", accept: ACCEPT, multiple: true, "aria-describedby": "evidence-hint" }) as HTMLInputElement;
    input.addEventListener("change", async () => {
      const chosen = [...(input.files ?? [])];
      input.value = "";
      status.replaceChildren();
      for (const file of chosen) {
        const bar = h("progress", { max: "1", value: "0" }) as HTMLProgressElement;
        const text = h("span", {}, t("evidence.uploading", { name: file.name, pct: "0%" }));
        const li = line("pending", text, " ", bar);
        li.dataset.name = file.name;
        if (file.size > MAX_BYTES) {
          // Not sent: the server refuses it (413) once the body passes the limit.
          li.className = "error";
          li.dataset.status = "413";
          fill(li, t("evidence.refused", { name: file.name, why: t("evidence.why.413") }));
          continue;
        }
        try {
          await uploadEvidence(evaluationId, file, (f) => {
            bar.value = f;
            text.textContent = t("evidence.uploading", { name: file.name, pct: `${Math.round(f * 100)}%` });
          });
          li.className = "ok";
          li.dataset.status = "201";
          fill(li, t("evidence.uploaded", { name: file.name }));
        } catch (e) {
          li.className = "error";
          li.dataset.status = e instanceof ApiError ? String(e.problem.status) : "";
          fill(li, t("evidence.refused", { name: file.name, why: refusalText(e) }));
        }
      }
      await reload();
    });
    section.append(
      h(
        "div",
        { class: "evidence-upload no-print" },
        input,
        h("label", { for: "evidence-file", class: "file-button" }, t("evidence.pick")),
        h("p", { class: "meta", id: "evidence-hint" }, t("evidence.hint")),
      ),
    );
  } else section.append(h("p", { class: "meta no-print", id: "evidence-readonly" }, t("evidence.readonly")));
  section.append(status, listBox);
  render();
  return section;
}
