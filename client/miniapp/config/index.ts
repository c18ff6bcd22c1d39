import path from "node:path";
import { defineConfig, type UserConfigExport } from "@tarojs/cli";

/** Default API origin for the native mini-programs; H5 talks to the API on its own origin. */
const DEFAULT_NATIVE_API_BASE = "http://127.0.0.1:8080";

const appRoot = path.resolve(__dirname, "..");
const fromApp = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`, { paths: [appRoot] }));
const sharedSrc = path.resolve(appRoot, "../../shared/src");

export default defineConfig((_merge, { mode }) => {
  const isH5 = process.env.TARO_ENV === "h5";
  const apiBase = isH5 ? "" : (process.env.TARO_APP_API_BASE ?? DEFAULT_NATIVE_API_BASE);

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
    },
    alias: {
      // pnpm can hand Taro's own packages a second copy of these; one copy each or H5 renders blank.
      "@tarojs/plugin-framework-react": fromApp("@tarojs/plugin-framework-react"),
      react: fromApp("react"),
      "react-dom": fromApp("react-dom"),
    },
    copy: { patterns: [], options: {} },
    framework: "react",
    compiler: "webpack5",
    cache: { enable: false },
    mini: {
      // @warmline/shared is TypeScript source: webpack must run it through babel.
      compile: { include: [sharedSrc] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: "module", generateScopedName: "[name]__[local]___[hash:base64:5]" } },
      },
    },
    h5: {
      publicPath: "/h5/",
      staticDirectory: "static",
      router: { mode: "hash" },
      compile: { include: [sharedSrc] },
      output: { filename: "js/[name].[contenthash:8].js", chunkFilename: "js/[name].[contenthash:8].js" },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: "css/[name].[contenthash:8].css",
        chunkFilename: "css/[name].[contenthash:8].css",
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: "module", generateScopedName: "[name]__[local]___[hash:base64:5]" } },
      },
    },
  };
  if (mode === "development") config.h5!.devServer = { port: 10086 };
  return config;
});
