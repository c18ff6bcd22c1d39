/**
 * Where the local vendor sandboxes answer on this server (server/src/sandboxes, mounted with
 * SANDBOX_VENDORS=true). config.ts's default vendor endpoints point at these paths below PUBLIC_URL; the
 * production clients use them only to recognise such a default: an endpoint that would point at the
 * unmounted sandboxes, or the H5 cashier pages that exist only on the sandboxes.
 */
export const SANDBOX_PATHS = {
  wechat: "/sandbox/wechat",
  alipay: "/sandbox/alipay",
  wechatpay: "/sandbox/wechatpay",
  einvoice: "/sandbox/einvoice",
  sms: "/sandbox/sms",
} as const;
