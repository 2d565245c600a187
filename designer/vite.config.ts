import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "vite";

// One multi-page app: every page is an HTML entry at the root, built to dist/ and served by the server at "/".
const root = import.meta.dirname;
const pages = ["index", "portal", "inbox", "supervision", "designer"].filter((page) => existsSync(resolve(root, `${page}.html`)));

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Assets stay separate same-origin files (no data: URLs), which the Content-Security-Policy allows as 'self'.
    assetsInlineLimit: 0,
    // bpmn-js and form-js are large by nature; warn only beyond that.
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: Object.fromEntries(pages.map((page) => [page, resolve(root, `${page}.html`)])),
    },
  },
  server: {
    proxy: {
      "/api": "http://localhost:5000",
      "/openapi": "http://localhost:5000",
    },
  },
});
