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
  report: "/pages/report/index",
  tickets: "/pages/tickets/index",
  ticket: "/pages/ticket/index",
  hardshipApply: "/pages/hardship/apply/index",
  hardshipDetail: "/pages/hardship/detail/index",
} as const;

/**
 * 订阅消息 template ids (one-time subscriptions asked for before a ticket is submitted), set per build by
 * TARO_APP_TEMPLATE_TICKET_PROGRESS and TARO_APP_TEMPLATE_FOLLOW_UP_DUE (WeChat and Alipay have their own
 * ids; see config/index.ts). Until the templates are approved the ids are placeholders, which are never
 * asked for.
 */
export const TARO_APP_TEMPLATE_TICKET_PROGRESS: string =
  typeof SUBSCRIBE_TEMPLATE_IDS === "object" ? SUBSCRIBE_TEMPLATE_IDS.ticketProgress : "placeholder-ticket-progress";
export const TARO_APP_TEMPLATE_FOLLOW_UP_DUE: string =
  typeof SUBSCRIBE_TEMPLATE_IDS === "object" ? SUBSCRIBE_TEMPLATE_IDS.followUpDue : "placeholder-follow-up-due";

/** A template id that is not a real one yet. */
export const isPlaceholderTemplate = (id: string) => !id || id.startsWith("placeholder-");
