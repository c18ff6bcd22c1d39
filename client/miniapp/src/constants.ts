/** Brand line shown on the login page and in the H5 title. */
export const BRAND = "暖线 · 民乐县供热服务";

/** 24-hour heating service hotline (供热服务热线): shown as written, dialled as digits. */
export const HOTLINE = { display: "0936-4466666", dial: "09364466666" } as const;

export const PAGES = {
  login: "/pages/login/index",
  home: "/pages/home/index",
  accounts: "/pages/accounts/index",
  bind: "/pages/bind/index",
  account: "/pages/account/index",
  bills: "/pages/bills/index",
  bill: "/pages/bill/index",
  pay: "/pages/pay/index",
  payResult: "/pages/pay-result/index",
  payments: "/pages/payments/index",
  invoiceTitles: "/pages/invoice-titles/index",
  invoices: "/pages/invoices/index",
  invoice: "/pages/invoice/index",
} as const;
