import path from "node:path";
import { defineConfig, type UserConfigExport } from "@tarojs/cli";

/** Default API origin for the native mini-programs; H5 talks to the API on its own origin. */
const DEFAULT_NATIVE_API_BASE = "http://127.0.0.1:8080";

/**
 * 订阅消息 template ids of this build (WeChat and Alipay each issue their own): TARO_APP_TEMPLATE_* from
 * the environment or a .env file; placeholders (never asked for) until the templates are approved.
 */
function subscribeTemplateIds() {
  return {
    ticketProgress: process.env.TARO_APP_TEMPLATE_TICKET_PROGRESS || "placeholder-ticket-progress",
    followUpDue: process.env.TARO_APP_TEMPLATE_FOLLOW_UP_DUE || "placeholder-follow-up-due",
  };
}

const appRoot = path.resolve(__dirname, "..");
const fromApp = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`, { paths: [appRoot] }));
/** @warmline/shared is TypeScript source (its entry is src/index.ts). */
const sharedSrc = path.dirname(require.resolve("@warmline/shared", { paths: [appRoot] }));

export default defineConfig((_merge, { mode }) => {
  const isH5 = process.env.TARO_ENV === "h5";
  const serverOrigin = process.env.TARO_APP_API_BASE ?? DEFAULT_NATIVE_API_BASE;
  const apiBase = isH5 ? "" : serverOrigin;

  const config: UserConfigExport<"webpack5"> = {
    projectName: "warmline-miniapp",
    date: "2025-11-27",
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: "src",
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    defineConstants: {
      API_BASE: JSON.stringify(apiBase),
      SUBSCRIBE_TEMPLATE_IDS: JSON.stringify(subscribeTemplateIds()),
    },
    alias: {
      // pnpm can hand Taro's packages a second copy of the React plugin: H5 then renders blank
      // ("useContext is not a function"). Taro itself pins react/react-dom to the app's copies.
      "@tarojs/plugin-framework-react": fromApp("@tarojs/plugin-framework-react"),
    },
    // the H5 build's icon (browsers ask for /h5/favicon.ico); the vendors' apps show their own
    copy: {
      patterns: isH5 ? [{ from: "src/favicon.ico", to: "dist/h5/favicon.ico" }] : [],
      options: {},
    },
    framework: "react",
    // Taro's dev-mode dependency prebundle breaks with this enhanced-resolve ("options.roots.map is
    // not a function", then "_writeVirtualFile is not a function"); production builds never use it.
    compiler: { type: "webpack5", prebundle: { enable: false } },
    cache: { enable: false },
    mini: {
      // @warmline/shared is TypeScript source: webpack must run it through babel.
      compile: { include: [sharedSrc] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: "module", generateScopedName: "[name]__[local]___[hash:base64:5]" },
        },
      },
    },
    h5: {
      publicPath: "/h5/",
      staticDirectory: "static",
      router: { mode: "hash" },
      webpackChain(chain) {
        // Taro splits only initial chunks: every lazily loaded page would carry its own copy of zod,
        // @warmline/shared and the components. Split async chunks too so pages share them.
        const splitChunks = chain.optimization.get("splitChunks");
        if (splitChunks) chain.optimization.splitChunks({ ...splitChunks, chunks: "all" });
      },
      compile: { include: [sharedSrc] },
      output: { filename: "js/[name].[contenthash:8].js", chunkFilename: "js/[name].[contenthash:8].js" },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: "css/[name].[contenthash:8].css",
        chunkFilename: "css/[name].[contenthash:8].css",
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: "module", generateScopedName: "[name]__[local]___[hash:base64:5]" },
        },
      },
    },
  };
  if (mode === "development") {
    // dev:h5 serves the pages itself; the API and the sandbox login pages stay on the server.
    config.h5!.devServer = {
      port: 10086,
      open: false,
      proxy: {
        "/api": { target: serverOrigin, changeOrigin: true },
        "/sandbox": { target: serverOrigin, changeOrigin: true },
      },
    };
  }
  return config;
});
