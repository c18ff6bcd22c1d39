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
    // 困难缓缴/分期: the application form and its progress (with the plan)
    { root: "pages/hardship", pages: ["apply/index", "detail/index"] },
    // 报停/复供: apply before the season's deadline, status and history
    { root: "pages/suspension", pages: ["index"] },
    // 供热公告: every current notice, and one notice (subscribe messages of 停热检修 notices open it)
    { root: "pages/notices", pages: ["list/index", "detail/index"] },
    // 欠费提醒记录: the reminders sent to the resident for an account
    { root: "pages/reminders", pages: ["index"] },
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
