/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

// Tauri expects a fixed dev port and serves the built files from ui/dist.
// The app runs under a strict CSP (default-src 'self'): everything must be
// emitted as files (no inline scripts, no inline styles).
export default defineConfig({
  base: "./",
  plugins: [svelte(), svelteTesting()],
  resolve: {
    alias: {
      $lib: fileURLToPath(new URL("./src/lib", import.meta.url)),
    },
  },
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_ENV_"],
  server: {
    port: 1420,
    strictPort: true,
    host: "127.0.0.1",
  },
  preview: {
    host: "127.0.0.1",
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: ["es2022", "chrome105", "safari15"],
    // Keep every asset a separate file: a data: URL would be refused by the CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
    // One stylesheet, linked from index.html: the static first frame needs it, and the app
    // (loaded after the page, see src/main.ts) must not wait for a stylesheet of its own.
    cssCodeSplit: false,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
});
