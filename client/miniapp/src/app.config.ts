export default defineAppConfig({
  pages: [
    "pages/login/index",
    "pages/home/index",
    "pages/accounts/index",
    "pages/bind/index",
    "pages/account/index",
    "pages/bills/index",
    "pages/bill/index",
    "pages/payments/index",
    "pages/invoice-titles/index",
    "pages/invoices/index",
    "pages/invoice/index",
    "pages/report/index",
    "pages/tickets/index",
    "pages/ticket/index",
  ],
  // The pay flow loads only when a resident pays: its platform payment code stays out of the main package.
  subPackages: [
    { root: "pages/pay", pages: ["index"] },
    { root: "pages/pay-result", pages: ["index"] },
  ],
  window: {
    backgroundTextStyle: "light",
    navigationBarBackgroundColor: "#e8590c",
    navigationBarTitleText: "暖线",
    navigationBarTextStyle: "white",
    backgroundColor: "#fff7f0",
    // H5: Taro's own navigation bar (title and a back button), as the vendors' apps show around a mini-program
    navigationStyle: "default",
  },
});
