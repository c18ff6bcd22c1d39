import type { MessageTemplate } from "@warmline/shared";

/** the ticket messages (also sent as subscribe messages) and the SMS-only security notice */
export type SmsTemplate = MessageTemplate | "bind_alert";

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
