export default definePageConfig({
  navigationBarTitleText: "缓缴分期",
});
