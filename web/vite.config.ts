// Vite multi-page build: every web/*.html is an entry, so another page (a review
// screen, a public list) is added by dropping its HTML file here, without touching
// this file. Output: web/dist, served at `/` by `jixiao serve` or any static server.
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const input = Object.fromEntries(
  readdirSync(root)
    .filter((f) => f.endsWith(".html"))
    .map((f) => [f.replace(/\.html$/, ""), resolve(root, f)]),
);

export default defineConfig({
  root,
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: { input },
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
