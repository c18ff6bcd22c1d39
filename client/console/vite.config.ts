import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Where /api and /sandbox go in `pnpm dev`; override with WARMLINE_API_URL. */
const backend = process.env.WARMLINE_API_URL ?? "http://127.0.0.1:8080";

/** Staff console: served by the API server under /console/ (SPA fallback for deep links there). */
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      output: {
        // Vendor code changes rarely: keep it in its own long-cached chunks.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 3 },
            { name: "antd", test: /node_modules[\\/](antd|@ant-design|dayjs)[\\/]/, priority: 1 },
            // antd's building blocks (and what they use, but React) on their own: with antd they pass 1000 kB
            { name: "antd-rc", test: /node_modules[\\/]@rc-component[\\/]/, priority: 2 },
            { name: "vendor", test: /node_modules/ },
          ],
        },
      },
    },
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
