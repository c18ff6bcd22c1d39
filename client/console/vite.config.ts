import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const backend = "http://127.0.0.1:8080";

/** Staff console: served by the API server under /console/ (SPA fallback for deep links there). */
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5174,
    proxy: {
      "/api": { target: backend, changeOrigin: false },
      "/sandbox": { target: backend, changeOrigin: false },
    },
  },
  preview: { port: 4174 },
});
