// Builds the engine benchmark page (benches/web/engine.html) into target/bench-web.
// No imports: this file sits outside web/, whose node_modules hold vite and ajv.
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));
export default {
  root,
  base: "./",
  logLevel: "warn",
  resolve: { alias: { ajv: fileURLToPath(new URL("../../web/node_modules/ajv/dist/ajv.js", import.meta.url)) } },
  build: { outDir: fileURLToPath(new URL("../../target/bench-web", import.meta.url)), emptyOutDir: true, target: "es2022", rollupOptions: { input: { engine: root + "engine.html" } } },
};
