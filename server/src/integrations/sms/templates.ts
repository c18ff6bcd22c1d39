import type { MessageTemplate } from "@warmline/shared";

/**
 * The SMS template texts to register with the SMS platform (模板内容, Aliyun syntax ${name}); the approved
 * codes are configured (SMS_TEMPLATE_TICKET_PROGRESS, SMS_TEMPLATE_FOLLOW_UP). The platform puts the
 * signature 【SMS_SIGN_NAME】 in front. Each variable is at most 35 characters.
 */
export const SMS_TEMPLATE_TEXTS: Record<MessageTemplate, string> = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
  ticket_progress: "您的供热工单${ticketNo}${status}（${time}）。${detail}详情可在“暖线”小程序中查看。",
  follow_up_due:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the SMS platform's placeholder syntax, not JavaScript
    "您的供热工单${ticketNo}已于${time}处理完成，问题解决了吗？请在“暖线”小程序中评价，或致电0936-4466666反馈。",
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
