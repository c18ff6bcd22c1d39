export default defineAppConfig({
  pages: ["pages/login/index", "pages/home/index", "pages/accounts/index", "pages/bind/index", "pages/account/index"],
  window: {
    backgroundTextStyle: "light",
    navigationBarBackgroundColor: "#e8590c",
    navigationBarTitleText: "暖线",
    navigationBarTextStyle: "white",
    backgroundColor: "#fff7f0",
  },
});
