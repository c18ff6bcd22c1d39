import react from "@vitejs/plugin-react";
import { defineProject } from "vitest/config";

/** Vitest project for the console: component and client tests under happy-dom. */
export default defineProject({
  plugins: [react()],
  test: {
    name: "console",
    root: import.meta.dirname,
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["./src/test/setup.ts"],
    // antd under happy-dom is slow on a busy 2-core machine; these are generous, not expected times.
    testTimeout: 40_000,
  },
});
