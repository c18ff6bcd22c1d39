import type { MessageTemplate } from "@warmline/shared";

/** the ticket messages (also sent as subscribe messages) and the SMS-only security notice */
export type SmsTemplate =
  | MessageTemplate
  | "bind_alert"
  | "arrears_notice"
  | "arrears_overdue"
  | "arrears_soft"
  | "refund_result"
  | "hardship_progress"
  | "legal_final_notice";

/**
 * The SMS template texts to register with the SMS platform (模板内容, Aliyun syntax ${name}); the approved
 * codes are configured (SMS_TEMPLATE_TICKET_PROGRESS, SMS_TEMPLATE_FOLLOW_UP, SMS_TEMPLATE_BIND_ALERT). The
 * platform puts the signature 【SMS_SIGN_NAME】 in front. Each variable is at most 35 characters.
 */

export const SMS_TEMPLATE_TEXTS: Record<SmsTemplate, string> = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
  ticket_progress: "您的供热工单${ticketNo}${status}（${time}）。${detail}详情可在“暖线”小程序中查看。",
  follow_up_due:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "您的供热工单${ticketNo}已于${time}处理完成，问题解决了吗？请在“暖线”小程序中评价，或致电0936-4466666反馈。",
  // a 户号 bound right after many failed attempts on it: to the phone on file (SMS_TEMPLATE_BIND_ALERT)
  bind_alert:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "您的供热户号${accountNo}已于${time}被新用户在“暖线”小程序绑定，绑定前有多次验证失败。如非您本人或家人操作，请致电0936-4466666处理。",
  // arrears reminders (server/src/modules/reminders): one approved text per tone; ${amount} includes the late
  // fee as of ${asOf}; reply TD to stop (退订, handled by POST /api/v1/notify/sms-up)
  arrears_notice:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "您的供热户号${accountNo}截至${asOf}应缴${season}起供热费${amount}，可在“暖线”小程序缴费或到银行供热缴费专窗办理，咨询0936-4466666。拒收请回复TD",
  arrears_overdue:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "您的供热户号${accountNo}自${season}起欠缴供热费，截至${asOf}共计${amount}（含滞纳金），请尽快在“暖线”小程序或银行供热缴费专窗缴清，咨询0936-4466666。拒收请回复TD",
  arrears_soft:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "您好，您的供热户号${accountNo}${season}起尚有供热费${amount}未缴（截至${asOf}）。如家庭确有困难，可在“暖线”小程序或社区申请困难缓缴/分期，咨询0936-4466666。拒收请回复TD",
  // a refund of the resident's payment completed (server/src/modules/notifications/refundMessage.ts)
  refund_result:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "您的供热户号${accountNo}缴费订单${orderNo}的退款${amount}已于${time}退回原支付账户，到账时间以银行或支付平台为准。咨询0936-4466666。",
  // a step of a hardship application (server/src/modules/notifications/hardshipMessages.ts)
  hardship_progress:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "您的困难缓缴/分期申请${applicationNo}（户号${accountNo}）${step}，详情请在“暖线”小程序查看或咨询0936-4466666。",
  // 催告函 of a legal case (server/src/modules/legal/finalNotice.ts): owed with the late fee as of ${asOf}
  legal_final_notice:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "【催告函】${name}：您的供热户号${accountNo}截至${asOf}欠缴供热费${amount}（含滞纳金）。请于${payBy}前缴清，逾期将移交法院依法追缴。缴费可用“暖线”小程序或银行供热缴费专窗，咨询${hotline}。",
};

/** Aliyun's limit on one variable's value */
export const SMS_PARAM_MAX_CHARS = 35;

/** The text a template renders to with the given values (the sandbox shows it; also used in tests). */
export function renderSmsTemplate(text: string, params: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (_, name: string) => params[name] ?? "");
}

/** The variable names a template text uses. */
export function smsTemplateVariables(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string);
}
