export default definePageConfig({
  navigationBarTitleText: "我的电子发票",
});
