// declare.html: the target form on its own page, for developers and offline use — the
// language switch, JSON import/export, a token box, one local draft, and a service worker
// that keeps the page usable with no network. Department staff use the same form inside
// the app (#/declare, web/src/app/views/declare/Declare.vue).
import { mountForm } from "./form";
import { standaloneBackend } from "./backend";

/** The cache `public/sw.js` serves from when the network is gone. */
const OFFLINE_CACHE = "jixiao-form-v1";

/** Registers the service worker and stores this page and every same-origin file it
 * loaded (scripts, styles, the .wasm) in its cache, so a reload works with no network. */
function keepOffline(): void {
  if (!("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return;
  navigator.serviceWorker.register("./sw.js").catch(() => undefined);
  if (!("caches" in window)) return;
  const urls = [
    location.href.split("#")[0],
    ...performance
      .getEntriesByType("resource")
      .map((e) => e.name)
      .filter((u) => u.startsWith(location.origin) && !u.includes("/api/")),
  ];
  caches
    .open(OFFLINE_CACHE)
    .then((c) => c.addAll([...new Set(urls)]))
    .catch(() => undefined);
}

document.body.classList.add("jx-standalone");
const root = document.getElementById("declare") as HTMLElement;
mountForm(root, { mode: "standalone", backend: standaloneBackend() });
// Once the form is up every file it needs has been loaded: keep them for offline reloads.
new MutationObserver((_, obs) => {
  if (document.body.dataset.ready !== "true") return;
  obs.disconnect();
  keepOffline();
}).observe(document.body, { attributes: true, attributeFilter: ["data-ready"] });
