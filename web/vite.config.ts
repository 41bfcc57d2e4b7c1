// Vite multi-page build: every web/*.html is an entry, so another page is added by dropping
// its HTML file here, without touching this file. `index.html` is the Vue app (src/app/);
// `declare.html` the target form; the others are the older single pages, linked from the
// app's menu. Element Plus components and their CSS are imported per use by
// unplugin-vue-components (tree-shaken, no global CSS). Output: web/dist, served at `/`.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import type { ComponentResolver } from "unplugin-vue-components";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const input = Object.fromEntries(
  readdirSync(root)
    .filter((f) => f.endsWith(".html"))
    .map((f) => [f.replace(/\.html$/, ""), resolve(root, f)]),
);

// The resolver imports each component from `element-plus/es`, whose index reads
// `installer.install` at the top level: Rollup then keeps every component (919 KB). Import
// each one from the folder that exports it instead (es/components/<dir>/index.mjs).
const EP = resolve(root, "node_modules/element-plus/es/components");
const epHome = new Map<string, string>();
for (const dir of existsSync(EP) ? readdirSync(EP) : []) {
  const index = resolve(EP, dir, "index.mjs");
  if (!existsSync(index)) continue;
  for (const m of readFileSync(index, "utf8").matchAll(/export \{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop() ?? "";
      if (/^El[A-Z]/.test(name) && !epHome.has(name)) epHome.set(name, `element-plus/es/components/${dir}/index.mjs`);
    }
  }
}
const elementPlus: ComponentResolver[] = ElementPlusResolver({ importStyle: "css" }).map((r) => ({
  ...r,
  resolve: async (name: string) => {
    const found = await r.resolve(name);
    if (!found || typeof found === "string" || !found.name) return found;
    const from = epHome.get(found.name);
    return from ? { ...found, from } : found;
  },
}));

export default defineConfig({
  root,
  base: "./",
  plugins: [vue(), Components({ dts: false, resolvers: elementPlus })],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The strict CSP (style-src 'self') forbids inline styles in HTML: CSS goes to files.
    cssCodeSplit: true,
    rollupOptions: {
      input,
      output: {
        manualChunks(id) {
          if (id.includes("node_modules/echarts") || id.includes("node_modules/zrender")) return "echarts";
          if (id.includes("node_modules/element-plus") || id.includes("node_modules/@element-plus")) return "element-plus";
          if (id.includes("node_modules/vue") || id.includes("node_modules/@vue") || id.includes("node_modules/pinia")) return "vue";
          return undefined;
        },
      },
    },
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
