export default definePageConfig({
  navigationBarTitleText: "暖线 · 供热服务",
});
