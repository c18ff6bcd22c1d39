export default definePageConfig({
  navigationBarTitleText: "供热公告",
});
