import { isIP } from "node:net";
import path from "node:path";
import {
  ACCOUNT_CATEGORIES,
  DEFAULT_SLA_POLICY,
  type IncidentGrade,
  type SlaPolicy,
  type TicketCategory,
} from "@warmline/shared";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const hexKey = (what: string) =>
  z.string().regex(/^[0-9a-fA-F]{64}$/, { message: `${what} must be 64 hex characters (32 bytes)` });

/** a rate limit "<requests>/<seconds>" */
const rateSpec = z.string().regex(/^[1-9]\d*\/[1-9]\d*$/, { message: 'must be "<requests>/<seconds>", e.g. "60/60"' });
const parseRate = (v: string) => {
  const [points, durationS] = v.split("/").map(Number) as [number, number];
  return { points, durationS };
};

/** Every setting the server reads from the environment. Unknown variables are ignored. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  /**
   * The development defaults (public development secrets and keys, sandboxes on) apply only when this is set:
   * `npm start` and the test servers set it. Unset, every process runs with the production rules.
   */
  WARMLINE_DEV: bool.default(false),
  /** trust X-Forwarded-For/-Proto/-Host: a hop count ("1") or the proxies' addresses ("10.0.0.5,10.1.0.0/16") */
  TRUST_PROXY: z.string().optional(),
  /** vendor callbacks (/api/v1/notify/*): the largest body in KiB, rejected callbacks per client address and window */
  NOTIFY_MAX_BODY_KB: z.coerce.number().int().min(4).max(60).default(32),
  NOTIFY_MAX_REJECTS: z.coerce.number().int().min(1).default(20),
  NOTIFY_REJECT_WINDOW_S: z.coerce.number().int().min(1).default(600),
  /**
   * money that arrives for bills already paid (余款): refunded automatically this many hours after it arrived
   * (auto), or left to a supervisor (supervisor)
   */
  SURPLUS_REFUND_HOLD_HOURS: z.coerce.number().min(0).max(720).default(24),
  SURPLUS_REFUND_MODE: z.enum(["auto", "supervisor"]).default("auto"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Public base URL of this server (used to build sandbox and callback URLs). */
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),

  DB_DRIVER: z.enum(["sqlite", "mysql"]).default("sqlite"),
  DATA_DIR: z.string().default("data"),
  SQLITE_FILE: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  /** MySQL server flavour: "mariadb" or "mysql" (TypeORM reads their catalogues differently) */
  DB_FLAVOR: z.enum(["mysql", "mariadb"]).default("mariadb"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

  JOBS_MODE: z.enum(["inprocess", "bullmq"]).default("inprocess"),
  REDIS_URL: z.string().url().optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .default("warmline"),
  /** which roles this process plays: api, worker (relay + job workers), or both */
  PROCESS_ROLE: z.enum(["all", "api", "worker"]).default("all"),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(500),
  /** a dispatched outbox row not finished within this time is looked for in the queue and re-sent if gone */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(100).default(60_000),

  /** 32-byte hex keys. Defaults exist only for development/test; production must set them. */
  TOKEN_SECRET: z.string().min(32, { message: "TOKEN_SECRET must be at least 32 characters" }).optional(),
  PII_KEY_ID: z
    .string()
    .regex(/^[a-z0-9]{1,16}$/)
    .default("k1"),
  PII_KEYS: z.string().optional(),
  PII_INDEX_KEY: hexKey("PII_INDEX_KEY").optional(),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(30).default(900),
  REFRESH_TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(300)
    .default(30 * 24 * 3600),

  /** wrong passwords in a row on one staff account (from any address) that lock it for STAFF_LOCK_MINUTES */
  STAFF_MAX_FAILED_LOGINS: z.coerce.number().int().min(1).default(10),
  STAFF_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  /** failed staff sign-ins per (client address, user name) before growing waits (STAFF_LOGIN_DELAY_S, doubling) */
  STAFF_LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).default(3),
  STAFF_LOGIN_DELAY_S: z.coerce.number().int().min(1).default(30),
  /** failed staff sign-ins per client address (any user name) within STAFF_LOCK_MINUTES before it must wait */
  STAFF_LOGIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).default(20),
  BIND_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  BIND_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  /** failed binding attempts on one 户号 (all residents) within BIND_ACCOUNT_WINDOW_HOURS that pause its online binding */
  BIND_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  BIND_ACCOUNT_WINDOW_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  /** a binding after this many failures on its 户号 (within the window) alerts the supervisors and texts the holder */
  BIND_ALERT_AFTER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** failed binding attempts per client address (any resident, any 户号) per hour */
  BIND_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  MAX_BINDINGS_PER_RESIDENT: z.coerce.number().int().min(1).default(20),
  /** requests per client address: "<requests>/<seconds>" (sign-in: resident and staff login, refresh) */
  RATE_LIMIT_SIGN_IN: rateSpec.default("60/60"),
  RATE_LIMIT_BIND: rateSpec.default("20/600"),
  RATE_LIMIT_UPLOAD: rateSpec.default("60/600"),
  /** photos a resident may hold uploaded but not yet in a ticket, uploaded within the last 24 hours: count, MiB */
  UPLOAD_DAILY_PHOTOS: z.coerce.number().int().min(1).default(30),
  UPLOAD_DAILY_MB: z.coerce.number().int().min(1).default(60),

  /** mount local sandbox vendor servers under /sandbox and point the clients at them */
  SANDBOX_VENDORS: bool.optional(),
  WECHAT_APPID: z.string().default("wx_sandbox_appid"),
  WECHAT_SECRET: z.string().default("sandbox-secret"),
  WECHAT_API_BASE: z.string().url().optional(),
  ALIPAY_APP_ID: z.string().default("2021000000000001"),
  ALIPAY_PRIVATE_KEY: z.string().optional(),
  ALIPAY_PUBLIC_KEY: z.string().optional(),
  ALIPAY_GATEWAY: z.string().url().optional(),
  /** the merchant's partner id (PID, 2088…) that Alipay's notifications name as seller_id; sandbox mode defaults it */
  ALIPAY_SELLER_ID: z
    .string()
    .regex(/^2088\d{12}$/, { message: "ALIPAY_SELLER_ID must be the merchant PID (2088 and 12 digits)" })
    .optional(),
  /** sandbox only: multiplies the Alipay sandbox's notification retry delays (4m, 10m, 10m, 1h, 2h, 6h, 15h) */
  ALIPAY_SANDBOX_NOTIFY_SCALE: z.coerce.number().positive().max(1).default(1),

  /**
   * WeChat Pay v3 (微信支付, JSAPI). PEM values may carry literal "\n". Outside sandbox mode the merchant key,
   * its serial, the APIv3 key and a platform certificate or the WeChat Pay public key (+ id) are required;
   * in sandbox mode missing keys are generated once into ${DATA_DIR}/sandbox-keys/.
   */
  WECHATPAY_MCHID: z
    .string()
    .regex(/^\d{6,32}$/, { message: "WECHATPAY_MCHID must be the merchant number (digits)" })
    .default("1900000001"),
  /** the app the payer pays in; defaults to WECHAT_APPID (the mini-program) */
  WECHATPAY_APPID: z.string().min(1).optional(),
  /** https://api.mch.weixin.qq.com in production; defaults to the local sandbox in sandbox mode */
  WECHATPAY_API_BASE: z.string().url().optional(),
  /** serial number of the merchant API certificate (商户API证书序列号) */
  WECHATPAY_MERCHANT_SERIAL: z
    .string()
    .regex(/^[0-9A-Fa-f]{1,64}$/, { message: "WECHATPAY_MERCHANT_SERIAL must be the certificate serial (hex)" })
    .optional(),
  /** the merchant API private key (apiclient_key.pem) */
  WECHATPAY_MERCHANT_PRIVATE_KEY: z.string().optional(),
  WECHATPAY_APIV3_KEY: z
    .string()
    .regex(/^[\x21-\x7e]{32}$/, { message: "WECHATPAY_APIV3_KEY must be exactly 32 ASCII characters" })
    .optional(),
  /** WeChat Pay platform certificates (平台证书), one or more PEM certificates */
  WECHATPAY_PLATFORM_CERTS: z.string().optional(),
  /** the WeChat Pay public key (微信支付公钥, PEM) and its id, for merchants in public-key mode */
  WECHATPAY_PUBLIC_KEY: z.string().optional(),
  WECHATPAY_PUBLIC_KEY_ID: z
    .string()
    .regex(/^PUB_KEY_ID_[0-9A-Za-z]{1,64}$/, { message: "WECHATPAY_PUBLIC_KEY_ID must look like PUB_KEY_ID_0119…" })
    .optional(),
  /** accepted clock difference for notification and response timestamps, seconds */
  WECHATPAY_NOTIFY_SKEW_S: z.coerce.number().int().min(1).max(3600).default(300),
  /** sandbox only: multiplies the notification retry delays (15 s, 15 s, 30 s, 3 min …); e.g. 0.001 in tests */
  WECHATPAY_SANDBOX_NOTIFY_SCALE: z.coerce.number().positive().max(1).default(1),

  /** serve the built H5 mini-program and console from this server */
  /** e-invoice platform (Nuonuo-style open API); the local sandbox when SANDBOX_VENDORS is on */
  EINVOICE_API_BASE: z.string().url().optional(),
  EINVOICE_APP_KEY: z.string().min(1).optional(),
  EINVOICE_APP_SECRET: z.string().min(8).optional(),
  /** the platform's access token (Nuonuo: per merchant authorisation) */
  EINVOICE_ACCESS_TOKEN: z.string().min(1).optional(),
  /** a platform call not answered within this time counts as unanswered (retried with the same number) */
  EINVOICE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** SMS (Aliyun dysmsapi SendSms, signature v1); the local sandbox when SANDBOX_VENDORS is on */
  SMS_API_BASE: z.string().url().optional(),
  SMS_ACCESS_KEY_ID: z.string().min(1).optional(),
  SMS_ACCESS_KEY_SECRET: z.string().min(8).optional(),
  /** 短信签名 as approved by the SMS platform */
  SMS_SIGN_NAME: z.string().min(2).max(12).default("民乐县供热中心"),
  /** template codes approved by the SMS platform (texts: server/src/integrations/sms/templates.ts) */
  SMS_TEMPLATE_TICKET_PROGRESS: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250001"),
  SMS_TEMPLATE_FOLLOW_UP: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250002"),
  /** to the phone on file when a 户号 is bound after many failed attempts (text: sms/templates.ts bind_alert) */
  SMS_TEMPLATE_BIND_ALERT: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250003"),
  /** arrears reminders by SMS, one approved template per tone (texts: sms/templates.ts arrears_*) */
  SMS_TEMPLATE_ARREARS_NOTICE: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250011"),
  SMS_TEMPLATE_ARREARS_OVERDUE: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250012"),
  SMS_TEMPLATE_ARREARS_SOFT: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250013"),
  /** a completed refund, to the account holder's mobile (text: sms/templates.ts refund_result) */
  SMS_TEMPLATE_REFUND_RESULT: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250021"),
  /** a step of a hardship application, to its contact phone (text: sms/templates.ts hardship_progress) */
  SMS_TEMPLATE_HARDSHIP_PROGRESS: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250031"),
  /** 催告函 sent by a legal officer (text: sms/templates.ts legal_final_notice) */
  SMS_TEMPLATE_LEGAL_FINAL_NOTICE: z
    .string()
    .regex(/^SMS_\d{1,20}$/)
    .default("SMS_486250041"),
  SMS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** shared secret in the URL of the SMS platform's reply push (/api/v1/notify/sms-up?token=…): 退订 replies */
  SMS_UP_TOKEN: z.string().min(16).optional(),
  /** subscribe-message template ids (WeChat 订阅消息 / Alipay 模板消息) per MESSAGE_TEMPLATES entry */
  WECHAT_TEMPLATE_TICKET_PROGRESS: z.string().min(1).max(64).default("sandbox-wx-ticket-progress"),
  WECHAT_TEMPLATE_FOLLOW_UP: z.string().min(1).max(64).default("sandbox-wx-follow-up-due"),
  /** which version of the mini-program a WeChat message opens */
  WECHAT_MINIPROGRAM_STATE: z.enum(["developer", "trial", "formal"]).default("formal"),
  ALIPAY_TEMPLATE_TICKET_PROGRESS: z.string().min(1).max(64).default("sandbox-ali-ticket-progress"),
  ALIPAY_TEMPLATE_FOLLOW_UP: z.string().min(1).max(64).default("sandbox-ali-follow-up-due"),
  /** the arrears reminder subscribe message (欠费提醒) per platform */
  WECHAT_TEMPLATE_ARREARS: z.string().min(1).max(64).default("sandbox-wx-arrears-reminder"),
  ALIPAY_TEMPLATE_ARREARS: z.string().min(1).max(64).default("sandbox-ali-arrears-reminder"),
  /** 停热检修 notices and completed refunds (modules/notifications noticeMessages.ts, refundMessage.ts) */
  WECHAT_TEMPLATE_HEATING_NOTICE: z.string().min(1).max(64).default("sandbox-wx-heating-notice"),
  ALIPAY_TEMPLATE_HEATING_NOTICE: z.string().min(1).max(64).default("sandbox-ali-heating-notice"),
  WECHAT_TEMPLATE_REFUND_RESULT: z.string().min(1).max(64).default("sandbox-wx-refund-result"),
  ALIPAY_TEMPLATE_REFUND_RESULT: z.string().min(1).max(64).default("sandbox-ali-refund-result"),
  /** the steps of a hardship application (modules/notifications hardshipMessages.ts) */
  WECHAT_TEMPLATE_HARDSHIP_PROGRESS: z.string().min(1).max(64).default("sandbox-wx-hardship-progress"),
  ALIPAY_TEMPLATE_HARDSHIP_PROGRESS: z.string().min(1).max(64).default("sandbox-ali-hardship-progress"),
  /** the seller printed on every invoice: the heating centre */
  INVOICE_SELLER_NAME: z.string().min(2).default("民乐县城区集中供热中心"),
  INVOICE_SELLER_TAX_ID: z.string().min(15).max(20).default("91620722MA74WL005M"),
  INVOICE_SELLER_ADDRESS: z.string().default("甘肃省张掖市民乐县洪水镇供热路1号 0936-4466666"),
  INVOICE_SELLER_BANK: z.string().default("甘肃民乐农村商业银行城区支行 2701 0001 0000 6688"),
  INVOICE_CLERK: z.string().min(1).max(16).default("暖线系统"),
  /** 税收分类编码 of heat supply (供暖费): 1100301030000000000 热力 */
  INVOICE_TAX_CODE: z
    .string()
    .regex(/^\d{19}$/)
    .default("1100301030000000000"),
  /**
   * tax treatment per account category, "category:treatment[,…]", treatment = exempt | non_taxable | a rate
   * in basis points (900 = 9 %). Residential heating is VAT exempt (免税) by default, others at 9 %.
   */
  INVOICE_TAX_RULES: z.string().default("residential:exempt,non_residential:900,public_institution:900"),
  /** attempts of the issuing job before the invoice shows as failed to staff */
  /** the platform also texts the invoice to the account holder's mobile number (push by phone) */
  INVOICE_PUSH_SMS: bool.default(true),
  INVOICE_ISSUE_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** seconds between result polls while the platform is issuing */
  INVOICE_POLL_S: z.coerce.number().min(0.1).default(3),
  /** SLA: minutes to the first contact, resolution minutes per incident grade, per-category overrides */
  SLA_RESPONSE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SLA_RESOLUTION_MINUTES: z
    .string()
    .regex(/^general:\d+,major:\d+,severe:\d+$/, { message: 'must be "general:<min>,major:<min>,severe:<min>"' })
    .default("general:60,major:240,severe:480"),
  /** e.g. "leak.general:120,noise.general:240" (category.grade:minutes) */
  SLA_CATEGORY_RESOLUTION_MINUTES: z
    .string()
    .regex(
      /^((cold_room|no_heat|leak|noise|billing|inquiry|other)\.(general|major|severe):\d+)(,(cold_room|no_heat|leak|noise|billing|inquiry|other)\.(general|major|severe):\d+)*$/,
      { message: 'must be "category.grade:minutes[,…]"' },
    )
    .optional(),
  SLA_MEASUREMENT_HOURS: z.coerce.number().int().min(1).max(72).default(24),
  /** hardship plans: days an instalment may be late before the plan defaults; months between instalments */
  HARDSHIP_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(15),
  HARDSHIP_INSTALMENT_SPACING_MONTHS: z.coerce.number().int().min(1).max(3).default(1),
  /** working days an application may wait for one review step before the supervisors are alerted */
  HARDSHIP_REVIEW_ALERT_WORKDAYS: z.coerce.number().int().min(1).max(30).default(3),
  /** legal escalation (issue 15): rule thresholds, court deadlines from approval, who approves a transfer */
  LEGAL_MIN_ARREARS_MONTHS: z.coerce.number().int().min(1).max(60).default(6),
  LEGAL_MIN_VISITS: z.coerce.number().int().min(1).max(10).default(2),
  LEGAL_SUBMIT_WORKDAYS: z.coerce.number().int().min(1).max(60).default(5),
  LEGAL_LITIGATE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  LEGAL_WARN_WORKDAYS: z.coerce.number().int().min(0).max(10).default(2),
  LEGAL_APPROVER_ROLE: z.enum(["supervisor", "legal_officer"]).default("supervisor"),
  /** 催告函: days the debtor is given to pay from the day the notice is generated; the hotline printed on it */
  LEGAL_NOTICE_PAY_DAYS: z.coerce.number().int().min(1).max(60).default(10),
  LEGAL_NOTICE_HOTLINE: z.string().min(5).max(32).default("0936-4466666"),
  /** the legal basis printed in the litigation packet's summary, lines separated by "|" */
  LEGAL_BASIS_LINES: z
    .string()
    .min(1)
    .default(
      "《中华人民共和国民法典》第六百五十六条：供用热力合同，参照适用供用电合同的有关规定。|" +
        "《中华人民共和国民法典》第六百五十四条：用电人应当按照国家有关规定和当事人的约定及时支付电费；逾期不支付的，应当按照约定支付违约金。|" +
        "《甘肃省城市供热条例》：热用户应当按照规定的供热价格和期限缴纳供热费用，逾期不缴纳的，供热单位可以依法追缴并按约定收取滞纳金。|" +
        "《民乐县城市集中供热管理办法》及供用热合同关于供热费缴纳期限与滞纳金的约定。",
    ),
  /** 报停/复供: the last day to apply for a season, "MM-DD" of its first year ("09-30" = before 1 Oct) */
  SUSPENSION_DEADLINE: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'must be "MM-DD"' })
    .default("09-30"),
  /** per-season last days replacing SUSPENSION_DEADLINE: "2027-2028:2027-09-15,2028-2029:2028-09-20" */
  SUSPENSION_DEADLINE_OVERRIDES: z
    .string()
    .regex(/^(\d{4}-\d{4}:\d{4}-\d{2}-\d{2})?(,\d{4}-\d{4}:\d{4}-\d{2}-\d{2})*$/, {
      message: 'must be "2027-2028:2027-09-15,…"',
    })
    .default(""),
  /** 报停 of an account with arrears: "refuse" (default: arrears are settled first) or "allow" */
  SUSPENSION_ARREARS_RULE: z.enum(["refuse", "allow"]).default("refuse"),
  /** arrears reminders (issue 13): the daily planning turn, Asia/Shanghai "HH:MM" */
  REMINDER_PLAN_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be "HH:MM"' })
    .default("09:00"),
  /** the default ladder's settings (the stored ladder is edited by an administrator afterwards) */
  REMINDER_QUIET_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be "HH:MM-HH:MM"' })
    .refine((v) => v.slice(0, 5) !== v.slice(6), { message: "an empty window (start = end)" })
    .default("21:00-08:00"),
  REMINDER_MIN_GAP_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  REMINDER_RATE_SUBSCRIBE: z.coerce.number().int().min(1).max(10_000).default(50),
  REMINDER_RATE_SMS: z.coerce.number().int().min(1).max(10_000).default(20),
  /** grading: days past due for 催缴, 重点, 严重 (increasing) */
  REMINDER_GRADE_DAYS: z
    .string()
    .regex(/^\d{1,4},\d{1,4},\d{1,4}$/, { message: 'must be "overdue,key,serious" days' })
    .refine(
      (v) => {
        const [a, b, c] = v.split(",").map(Number) as [number, number, number];
        return a >= 1 && a < b && b < c;
      },
      { message: "must be increasing and ≥ 1" },
    )
    .default("30,90,180"),
  REMINDER_DUE_SOON_DAYS: z.coerce.number().int().min(0).max(60).default(7),
  REMINDER_KEY_AMOUNT_FEN: z.coerce.number().int().min(1).default(500_000),
  REMINDER_MIN_OWED_FEN: z.coerce.number().int().min(1).default(100),
  /** attempts on one channel while its vendor is unavailable before the next channel of the chain is tried */
  REMINDER_CHANNEL_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  /** lifetime of a PDF download link */
  FILE_LINK_TTL_S: z.coerce.number().int().min(10).default(600),
  /** a TTF/OTF/TTC with Chinese glyphs for PDFs; default: the bundled Noto Sans SC */
  PDF_FONT_FILE: z.string().optional(),
  SERVE_CLIENTS: bool.default(true),
  SEED_DEMO: bool.default(false),
});

/**
 * Rules across settings. Checked on the raw environment so they are reported together with field errors
 * (a schema refinement would be skipped whenever any single field is bad).
 */
function crossProblems(env: NodeJS.ProcessEnv): { key: string; message: string }[] {
  const out: { key: string; message: string }[] = [];
  const driver = env.DB_DRIVER ?? "sqlite";
  if (driver === "mysql" && !env.DATABASE_URL)
    out.push({ key: "DATABASE_URL", message: "is required when DB_DRIVER=mysql" });
  if ((env.JOBS_MODE ?? "inprocess") === "bullmq" && !env.REDIS_URL) {
    out.push({ key: "REDIS_URL", message: "is required when JOBS_MODE=bullmq" });
  }
  const dev = devMode(env);
  if (dev && env.NODE_ENV === "production") {
    out.push({ key: "WARMLINE_DEV", message: "must not be enabled with NODE_ENV=production" });
  }
  if (env.TRUST_PROXY !== undefined && !parseTrustProxy(env.TRUST_PROXY).ok) {
    out.push({ key: "TRUST_PROXY", message: 'must be "false", a hop count or a list of proxy addresses (IP or CIDR)' });
  }
  if (!dev) {
    for (const k of ["TOKEN_SECRET", "PII_KEYS", "PII_INDEX_KEY"]) {
      if (!env[k]) out.push({ key: k, message: "is required in production" });
    }
    // anyone who reaches a sandbox can sign in as anyone
    if (["true", "1", "yes"].includes(env.SANDBOX_VENDORS ?? "")) {
      out.push({ key: "SANDBOX_VENDORS", message: "must not be enabled in production" });
    }
  }
  if (env.INVOICE_TAX_RULES && !parseTaxRules(env.INVOICE_TAX_RULES).ok)
    out.push({
      key: "INVOICE_TAX_RULES",
      message: 'must be "category:exempt|non_taxable|<basis points>[,…]" for known categories',
    });
  if (!dev && !["true", "1", "yes"].includes(env.SANDBOX_VENDORS ?? "")) {
    for (const k of ["EINVOICE_APP_KEY", "EINVOICE_APP_SECRET", "EINVOICE_ACCESS_TOKEN"]) {
      if (!env[k]) out.push({ key: k, message: "is required in production" });
    }
  }
  if (!dev && !["true", "1", "yes"].includes(env.SANDBOX_VENDORS ?? "")) {
    for (const k of ["SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET"]) {
      if (!env[k]) out.push({ key: k, message: "is required in production" });
    }
  }
  if (env.PII_KEYS) {
    const parsed = parsePiiKeys(env.PII_KEYS);
    if (!parsed.ok) out.push({ key: "PII_KEYS", message: 'must be "id:64hex[,id:64hex…]"' });
    else if (!parsed.keys.has(env.PII_KEY_ID ?? "k1"))
      out.push({ key: "PII_KEY_ID", message: "names no key in PII_KEYS" });
  }
  return out;
}

/** Development defaults only when asked for explicitly (WARMLINE_DEV=true); everything else is production. */
function devMode(env: NodeJS.ProcessEnv): boolean {
  return ["true", "1", "yes"].includes(env.WARMLINE_DEV ?? "");
}

/**
 * Which proxy headers to believe. "off": none (the socket's address is the client); "hops": the last N
 * addresses of X-Forwarded-For were added by our own proxies; "list": only a request arriving from one of
 * these addresses carries forwarding headers we believe, and X-Forwarded-For is read from the right past them.
 */
export type TrustProxy = { mode: "off" } | { mode: "hops"; hops: number } | { mode: "list"; addresses: string[] };

function parseTrustProxy(raw: string | undefined): { ok: boolean; trust: TrustProxy } {
  const v = (raw ?? "").trim();
  if (["", "false", "0", "no", "off"].includes(v)) return { ok: true, trust: { mode: "off" } };
  if (/^[1-9]$/.test(v)) return { ok: true, trust: { mode: "hops", hops: Number(v) } };
  const addresses = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const valid = (a: string) => {
    const [ip, bits, extra] = a.split("/");
    const family = isIP(ip ?? "");
    if (!family || extra !== undefined) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  };
  if (!addresses.length || !addresses.every(valid)) return { ok: false, trust: { mode: "off" } };
  return { ok: true, trust: { mode: "list", addresses } };
}

export type TaxRule = { treatment: "exempt" | "non_taxable" } | { treatment: "taxable"; rateBp: number };

function parseTaxRules(raw: string): { ok: boolean; rules: Record<string, TaxRule> } {
  const rules: Record<string, TaxRule> = {};
  for (const part of raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+):(exempt|non_taxable|\d{1,4})$/.exec(part);
    if (!m || !(ACCOUNT_CATEGORIES as readonly string[]).includes(m[1] as string)) return { ok: false, rules };
    const t = m[2] as string;
    rules[m[1] as string] =
      t === "exempt" || t === "non_taxable" ? { treatment: t } : { treatment: "taxable", rateBp: Number(t) };
  }
  return { ok: true, rules };
}

function slaPolicyOf(env: z.output<typeof EnvSchema>): SlaPolicy {
  const byGrade = Object.fromEntries(
    env.SLA_RESOLUTION_MINUTES.split(",").map((p) => {
      const [g, m] = p.split(":");
      return [g, Number(m)];
    }),
  ) as SlaPolicy["resolutionMinutes"];
  const perCategory: NonNullable<SlaPolicy["categoryResolutionMinutes"]> = {};
  for (const p of env.SLA_CATEGORY_RESOLUTION_MINUTES?.split(",") ?? []) {
    const [key, m] = p.split(":") as [string, string];
    const [cat, grade] = key.split(".") as [TicketCategory, IncidentGrade];
    perCategory[cat] = { ...perCategory[cat], [grade]: Number(m) };
  }
  return {
    ...DEFAULT_SLA_POLICY,
    responseMinutes: env.SLA_RESPONSE_MINUTES,
    resolutionMinutes: byGrade,
    categoryResolutionMinutes: perCategory,
    measurementHours: env.SLA_MEASUREMENT_HOURS,
  };
}

function parsePiiKeys(raw: string): { ok: boolean; keys: Map<string, Buffer> } {
  const keys = new Map<string, Buffer>();
  for (const part of raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9]{1,16}):([0-9a-fA-F]{64})$/.exec(part);
    if (!m) return { ok: false, keys };
    keys.set(m[1], Buffer.from(m[2], "hex"));
  }
  return { ok: keys.size > 0, keys };
}

// Development-only keys: fixed so a restarted dev server can read its own data. Never used in production.
const DEV_PII_KEY = "6465762d6f6e6c792d7069692d6b65792d6e6f742d666f722d70726f64756374";
const DEV_INDEX_KEY = "6465762d6f6e6c792d696e6465782d6b65792d6e6f742d666f722d70726f6421";
const DEV_TOKEN_SECRET = "dev-only-token-secret-not-for-production-use";

export type Config = ReturnType<typeof buildConfig>;

function buildConfig(env: z.output<typeof EnvSchema>) {
  const dev = env.WARMLINE_DEV;
  const dataDir = path.resolve(env.DATA_DIR);
  const publicUrl = (env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/$/, "");
  const pii = parsePiiKeys(env.PII_KEYS ?? `k1:${DEV_PII_KEY}`);
  return {
    /** "production" unless the development defaults were asked for (WARMLINE_DEV=true) */
    env: dev ? (env.NODE_ENV ?? "development") : ("production" as const),
    devMode: dev,
    trustProxy: parseTrustProxy(env.TRUST_PROXY).trust,
    notify: {
      maxBodyBytes: env.NOTIFY_MAX_BODY_KB * 1024,
      maxRejects: env.NOTIFY_MAX_REJECTS,
      rejectWindowS: env.NOTIFY_REJECT_WINDOW_S,
    },
    /** 余款 (money for bills already paid): refunded after the hold, or by a supervisor */
    surplusRefund: { holdMs: Math.round(env.SURPLUS_REFUND_HOLD_HOURS * 3600_000), mode: env.SURPLUS_REFUND_MODE },
    host: env.HOST,
    port: env.PORT,
    publicUrl,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    processRole: env.PROCESS_ROLE,
    db: {
      driver: env.DB_DRIVER,
      sqliteFile: path.resolve(env.SQLITE_FILE ?? path.join(dataDir, "warmline.sqlite")),
      url: env.DATABASE_URL,
      flavor: env.DB_FLAVOR as "mysql" | "mariadb" | undefined,
      poolSize: env.DB_POOL_SIZE,
    },
    dataDir,
    jobs: {
      mode: env.JOBS_MODE,
      redisUrl: env.REDIS_URL,
      prefix: env.QUEUE_PREFIX,
      pollMs: env.OUTBOX_POLL_MS,
      leaseMs: env.OUTBOX_LEASE_MS,
    },
    auth: {
      tokenSecret: env.TOKEN_SECRET ?? DEV_TOKEN_SECRET,
      accessTtlS: env.ACCESS_TOKEN_TTL_S,
      refreshTtlS: env.REFRESH_TOKEN_TTL_S,
      staffMaxFailedLogins: env.STAFF_MAX_FAILED_LOGINS,
      staffLockMinutes: env.STAFF_LOCK_MINUTES,
      staffLoginFreeFailures: env.STAFF_LOGIN_FREE_FAILURES,
      staffLoginDelayS: env.STAFF_LOGIN_DELAY_S,
      staffLoginIpMaxFailures: env.STAFF_LOGIN_IP_MAX_FAILURES,
      bindMaxFailures: env.BIND_MAX_FAILURES,
      bindWindowMinutes: env.BIND_WINDOW_MINUTES,
      bindMaxFailuresPerAccount: env.BIND_MAX_FAILURES_PER_ACCOUNT,
      bindAccountWindowHours: env.BIND_ACCOUNT_WINDOW_HOURS,
      bindAlertAfterFailures: env.BIND_ALERT_AFTER_FAILURES,
      bindMaxFailuresPerIp: env.BIND_MAX_FAILURES_PER_IP,
      maxBindingsPerResident: env.MAX_BINDINGS_PER_RESIDENT,
    },
    /** requests per client address on the routes people could hammer (see RATE_LIMIT_*) */
    rateLimits: {
      signIn: parseRate(env.RATE_LIMIT_SIGN_IN),
      bind: parseRate(env.RATE_LIMIT_BIND),
      upload: parseRate(env.RATE_LIMIT_UPLOAD),
    },
    uploads: {
      residentDailyPhotos: env.UPLOAD_DAILY_PHOTOS,
      residentDailyBytes: env.UPLOAD_DAILY_MB * 1024 * 1024,
    },
    pii: {
      currentKeyId: env.PII_KEYS ? env.PII_KEY_ID : "k1",
      keys: pii.keys,
      indexKey: Buffer.from(env.PII_INDEX_KEY ?? DEV_INDEX_KEY, "hex"),
    },
    sandboxVendors: env.SANDBOX_VENDORS ?? dev,
    wechat: {
      appId: env.WECHAT_APPID,
      secret: env.WECHAT_SECRET,
      apiBase: (env.WECHAT_API_BASE ?? `${publicUrl}/sandbox/wechat`).replace(/\/$/, ""),
    },
    alipay: {
      appId: env.ALIPAY_APP_ID,
      privateKey: env.ALIPAY_PRIVATE_KEY,
      alipayPublicKey: env.ALIPAY_PUBLIC_KEY,
      gateway: env.ALIPAY_GATEWAY ?? `${publicUrl}/sandbox/alipay/gateway.do`,
      sellerId: env.ALIPAY_SELLER_ID ?? ((env.SANDBOX_VENDORS ?? dev) ? "2088000000000001" : undefined),
      sandboxNotifyScale: env.ALIPAY_SANDBOX_NOTIFY_SCALE,
    },
    wechatPay: {
      mchId: env.WECHATPAY_MCHID,
      appId: env.WECHATPAY_APPID ?? env.WECHAT_APPID,
      // the local sandbox in sandbox mode, WeChat Pay's API otherwise
      apiBase: (
        env.WECHATPAY_API_BASE ??
        ((env.SANDBOX_VENDORS ?? dev) ? `${publicUrl}/sandbox/wechatpay` : "https://api.mch.weixin.qq.com")
      ).replace(/\/$/, ""),
      merchantSerial: env.WECHATPAY_MERCHANT_SERIAL,
      privateKey: env.WECHATPAY_MERCHANT_PRIVATE_KEY,
      apiV3Key: env.WECHATPAY_APIV3_KEY,
      platformCerts: env.WECHATPAY_PLATFORM_CERTS,
      publicKey: env.WECHATPAY_PUBLIC_KEY,
      publicKeyId: env.WECHATPAY_PUBLIC_KEY_ID,
      notifySkewS: env.WECHATPAY_NOTIFY_SKEW_S,
      sandboxNotifyScale: env.WECHATPAY_SANDBOX_NOTIFY_SCALE,
    },
    einvoice: {
      apiBase: (
        env.EINVOICE_API_BASE ??
        ((env.SANDBOX_VENDORS ?? dev)
          ? `${publicUrl}/sandbox/einvoice/open/v1/services`
          : "https://sdk.nuonuo.com/open/v1/services")
      ).replace(/\/$/, ""),
      appKey: env.EINVOICE_APP_KEY ?? "sandbox-app-key",
      appSecret: env.EINVOICE_APP_SECRET ?? "sandbox-app-secret",
      accessToken: env.EINVOICE_ACCESS_TOKEN ?? "sandbox-access-token",
      callbackUrl: `${publicUrl}/api/v1/notify/einvoice`,
      timeoutMs: env.EINVOICE_TIMEOUT_MS,
    },
    sms: {
      apiBase: (
        env.SMS_API_BASE ??
        ((env.SANDBOX_VENDORS ?? dev) ? `${publicUrl}/sandbox/sms` : "https://dysmsapi.aliyuncs.com")
      ).replace(/\/$/, ""),
      accessKeyId: env.SMS_ACCESS_KEY_ID ?? "sandbox-sms-key-id",
      accessKeySecret: env.SMS_ACCESS_KEY_SECRET ?? "sandbox-sms-key-secret",
      signName: env.SMS_SIGN_NAME,
      templates: {
        ticket_progress: env.SMS_TEMPLATE_TICKET_PROGRESS,
        follow_up_due: env.SMS_TEMPLATE_FOLLOW_UP,
        bind_alert: env.SMS_TEMPLATE_BIND_ALERT,
        arrears_notice: env.SMS_TEMPLATE_ARREARS_NOTICE,
        arrears_overdue: env.SMS_TEMPLATE_ARREARS_OVERDUE,
        arrears_soft: env.SMS_TEMPLATE_ARREARS_SOFT,
        refund_result: env.SMS_TEMPLATE_REFUND_RESULT,
        hardship_progress: env.SMS_TEMPLATE_HARDSHIP_PROGRESS,
        legal_final_notice: env.SMS_TEMPLATE_LEGAL_FINAL_NOTICE,
      },
      timeoutMs: env.SMS_TIMEOUT_MS,
      upToken: env.SMS_UP_TOKEN ?? ((env.SANDBOX_VENDORS ?? dev) ? "sandbox-sms-up-token" : null),
    },
    messages: {
      wechat: {
        templates: {
          ticket_progress: env.WECHAT_TEMPLATE_TICKET_PROGRESS,
          follow_up_due: env.WECHAT_TEMPLATE_FOLLOW_UP,
          arrears_reminder: env.WECHAT_TEMPLATE_ARREARS,
        },
        miniprogramState: env.WECHAT_MINIPROGRAM_STATE,
      },
      alipay: {
        templates: {
          ticket_progress: env.ALIPAY_TEMPLATE_TICKET_PROGRESS,
          follow_up_due: env.ALIPAY_TEMPLATE_FOLLOW_UP,
          arrears_reminder: env.ALIPAY_TEMPLATE_ARREARS,
        },
      },
    },
    /** subscribe-message templates of 停热检修 notices and completed refunds, per vendor (apart from the ticket ones) */
    residentMessages: {
      wechat: {
        heating_notice: env.WECHAT_TEMPLATE_HEATING_NOTICE,
        refund_result: env.WECHAT_TEMPLATE_REFUND_RESULT,
        hardship_progress: env.WECHAT_TEMPLATE_HARDSHIP_PROGRESS,
      },
      alipay: {
        heating_notice: env.ALIPAY_TEMPLATE_HEATING_NOTICE,
        refund_result: env.ALIPAY_TEMPLATE_REFUND_RESULT,
        hardship_progress: env.ALIPAY_TEMPLATE_HARDSHIP_PROGRESS,
      },
    },
    invoices: {
      seller: {
        name: env.INVOICE_SELLER_NAME,
        taxId: env.INVOICE_SELLER_TAX_ID,
        address: env.INVOICE_SELLER_ADDRESS,
        bankAccount: env.INVOICE_SELLER_BANK,
      },
      clerk: env.INVOICE_CLERK,
      taxCode: env.INVOICE_TAX_CODE,
      taxRules: parseTaxRules(env.INVOICE_TAX_RULES).rules,
      issueAttempts: env.INVOICE_ISSUE_ATTEMPTS,
      pushSms: env.INVOICE_PUSH_SMS,
      pollMs: Math.round(env.INVOICE_POLL_S * 1000),
      fileLinkTtlS: env.FILE_LINK_TTL_S,
      fontFile: env.PDF_FONT_FILE ? path.resolve(env.PDF_FONT_FILE) : null,
    },
    sla: slaPolicyOf(env),
    hardship: {
      graceDays: env.HARDSHIP_GRACE_DAYS,
      spacingMonths: env.HARDSHIP_INSTALMENT_SPACING_MONTHS,
      reviewAlertWorkdays: env.HARDSHIP_REVIEW_ALERT_WORKDAYS,
    },
    legal: {
      rule: { minArrearsMonths: env.LEGAL_MIN_ARREARS_MONTHS, minVisits: env.LEGAL_MIN_VISITS },
      deadlines: {
        submitWorkdays: env.LEGAL_SUBMIT_WORKDAYS,
        litigateDays: env.LEGAL_LITIGATE_DAYS,
        warnWorkdays: env.LEGAL_WARN_WORKDAYS,
      },
      approverRole: env.LEGAL_APPROVER_ROLE,
      finalNotice: { payDays: env.LEGAL_NOTICE_PAY_DAYS, hotline: env.LEGAL_NOTICE_HOTLINE },
      basisLines: env.LEGAL_BASIS_LINES.split("|")
        .map((l) => l.trim())
        .filter(Boolean),
    },
    suspension: {
      deadlineMonthDay: env.SUSPENSION_DEADLINE,
      deadlineOverrides: Object.fromEntries(
        env.SUSPENSION_DEADLINE_OVERRIDES.split(",")
          .filter(Boolean)
          .map((p) => p.split(":") as [string, string]),
      ),
      arrearsRule: env.SUSPENSION_ARREARS_RULE,
    },
    reminders: reminderConfig(env),
    serveClients: env.SERVE_CLIENTS,
    seedDemo: env.SEED_DEMO,
  };
}

/** printed at start whenever the development defaults are on */
export const DEV_MODE_BANNER = [
  "",
  "!".repeat(78),
  "!!  开发模式 / DEVELOPMENT MODE (WARMLINE_DEV=true)",
  "!!  使用公开的开发密钥与测试沙箱，任何人都可冒充任何居民登录。切勿用于生产环境！",
  "!!  Public development secrets and keys; the sandboxes sign anyone in as anyone.",
  "!!  Never run a real deployment like this: unset WARMLINE_DEV and configure the secrets.",
  "!".repeat(78),
  "",
].join("\n");

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
  }
}

/** Parse and validate the environment. Throws ConfigError naming every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ key: i.path.join(".") || "environment", message: i.message }))),
    ...crossProblems(env),
  ];
  if (issues.length || !parsed.success) {
    const problems = issues.map(({ key, message }) => {
      const value = env[key];
      const shown = value === undefined ? "missing" : `got ${JSON.stringify(secretish(key) ? "***" : value)}`;
      return `${key}: ${message} (${shown})`;
    });
    throw new ConfigError(problems);
  }
  return buildConfig(parsed.data);
}

function secretish(key: string): boolean {
  return /SECRET|KEY|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL/.test(key);
}

/** arrears reminders: the planning turn, grading thresholds, the default ladder's settings */
function reminderConfig(env: {
  REMINDER_PLAN_TIME: string;
  REMINDER_QUIET_HOURS: string;
  REMINDER_MIN_GAP_DAYS: number;
  REMINDER_RATE_SUBSCRIBE: number;
  REMINDER_RATE_SMS: number;
  REMINDER_GRADE_DAYS: string;
  REMINDER_DUE_SOON_DAYS: number;
  REMINDER_KEY_AMOUNT_FEN: number;
  REMINDER_MIN_OWED_FEN: number;
  REMINDER_CHANNEL_ATTEMPTS: number;
}) {
  const [overdueDays, keyDays, seriousDays] = env.REMINDER_GRADE_DAYS.split(",").map(Number) as [
    number,
    number,
    number,
  ];
  return {
    planTime: env.REMINDER_PLAN_TIME,
    thresholds: {
      dueSoonDays: env.REMINDER_DUE_SOON_DAYS,
      overdueDays,
      keyDays,
      seriousDays,
      keyAmountFen: env.REMINDER_KEY_AMOUNT_FEN,
      minOwedFen: env.REMINDER_MIN_OWED_FEN,
    },
    settings: {
      quietHours: { start: env.REMINDER_QUIET_HOURS.slice(0, 5), end: env.REMINDER_QUIET_HOURS.slice(6) },
      minGapDays: env.REMINDER_MIN_GAP_DAYS,
      ratePerSecond: { subscribe: env.REMINDER_RATE_SUBSCRIBE, sms: env.REMINDER_RATE_SMS },
    },
    channelAttempts: env.REMINDER_CHANNEL_ATTEMPTS,
  };
}
