import { SMS_TEMPLATE_TEXTS } from "../../integrations/sms/templates";
import type { VendorSandbox } from "../vendor";
import { mountSmsSandbox, type SmsSandbox } from "./sandbox";

export interface SmsSandboxes {
  /** the SMS platform: messages sent, failure injection */
  sms: SmsSandbox;
}

/** The SMS platform (Aliyun SendSms style) under /sandbox/sms (see sandbox.ts). */
export const smsSandbox: VendorSandbox<SmsSandboxes> = {
  vendor: "sms",
  mount(router, { config }) {
    // the SMS sandbox keeps the real clock: requests carry the client's real timestamps
    const sms = mountSmsSandbox(router, {
      accessKeyId: config.sms.accessKeyId,
      accessKeySecret: config.sms.accessKeySecret,
      signName: config.sms.signName,
      upUrl: config.sms.upToken
        ? `${config.publicUrl}/api/v1/notify/sms-up?token=${encodeURIComponent(config.sms.upToken)}`
        : undefined,
      reportUrl: config.sms.upToken
        ? `${config.publicUrl}/api/v1/notify/sms-report?token=${encodeURIComponent(config.sms.upToken)}`
        : undefined,
      templates: {
        [config.sms.templates.ticket_progress]: SMS_TEMPLATE_TEXTS.ticket_progress,
        [config.sms.templates.follow_up_due]: SMS_TEMPLATE_TEXTS.follow_up_due,
        [config.sms.templates.bind_alert]: SMS_TEMPLATE_TEXTS.bind_alert,
        [config.sms.templates.arrears_notice]: SMS_TEMPLATE_TEXTS.arrears_notice,
        [config.sms.templates.arrears_overdue]: SMS_TEMPLATE_TEXTS.arrears_overdue,
        [config.sms.templates.arrears_soft]: SMS_TEMPLATE_TEXTS.arrears_soft,
        [config.sms.templates.refund_result]: SMS_TEMPLATE_TEXTS.refund_result,
        [config.sms.templates.hardship_progress]: SMS_TEMPLATE_TEXTS.hardship_progress,
        [config.sms.templates.legal_final_notice]: SMS_TEMPLATE_TEXTS.legal_final_notice,
      },
    });
    return { sms };
  },
};
