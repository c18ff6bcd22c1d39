// babel-preset-taro options: https://docs.taro.zone/docs/next/babel-config
const path = require("node:path");

const isH5 = process.env.TARO_ENV === "h5";

/**
 * With useBuiltIns "usage" helpers come from @babel/runtime-corejs3, but the preset announces the
 * version of @babel/runtime; when the two differ, newer helpers (e.g. callSpread) are imported from
 * files that do not exist. Announce the version actually used so those helpers are inlined instead.
 */
function corejsRuntimeVersion() {
  const presetDir = path.dirname(require.resolve("babel-preset-taro/package.json"));
  return require(require.resolve("@babel/runtime-corejs3/package.json", { paths: [presetDir] })).version;
}

module.exports = {
  presets: [
    [
      "taro",
      {
        framework: "react",
        ts: true,
        compiler: "webpack5",
        useBuiltIns: isH5 ? "usage" : false,
        ...(isH5 ? { version: corejsRuntimeVersion() } : {}),
      },
    ],
  ],
};
