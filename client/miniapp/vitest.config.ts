import { defineProject } from "vitest/config";

/** Unit tests of the mini-program's own code (request layer, login, helpers). */
export default defineProject({
  resolve: {
    // Taro's H5 React components, for tests that render pages.
    alias: [{ find: /^@tarojs\/components$/, replacement: "@tarojs/components/lib/react" }],
  },
  define: {
    API_BASE: JSON.stringify("http://api.test"),
    ENABLE_INNER_HTML: "true",
    ENABLE_ADJACENT_HTML: "true",
    ENABLE_SIZE_APIS: "true",
    ENABLE_TEMPLATE_CONTENT: "true",
    ENABLE_CLONE_NODE: "true",
    ENABLE_CONTAINS: "true",
    ENABLE_MUTATION_OBSERVER: "true",
    DEPRECATED_ADAPTER_COMPONENT: "false",
    "process.env.TARO_ENV": JSON.stringify("h5"),
    "process.env.TARO_PLATFORM": JSON.stringify("web"),
  },
  test: {
    name: "miniapp",
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
