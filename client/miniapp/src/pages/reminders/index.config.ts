export default definePageConfig({
  navigationBarTitleText: "欠费提醒记录",
});
