import { defineConfig } from "vitest/config";

/**
 * One test command for the whole product. Projects:
 *   unit     pure and in-process tests beside the code (shared/, server/)
 *   miniapp  resident mini-program (Taro) unit tests
 *   console  staff console unit tests
 *   api      HTTP API against real MariaDB + Redis (a database per worker)
 *   e2e      built H5 app and console in headless Chromium, and process-level tests
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["shared/src/**/*.test.ts", "server/src/**/*.test.ts"],
          environment: "node",
          // the test run's sandbox keys and spare key pairs, generated once (server/src/sandboxes/testing/keys.ts)
          globalSetup: ["server/src/sandboxes/testing/globalSetup.ts"],
        },
      },
      "client/miniapp/vitest.config.ts",
      "client/console/vitest.config.ts",
      {
        extends: true,
        test: {
          name: "api",
          include: ["tests/api/**/*.test.ts"],
          environment: "node",
          globalSetup: ["server/src/sandboxes/testing/globalSetup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
