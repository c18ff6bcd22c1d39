import { z } from "zod";

/**
 * 联系电话 of a ticket: a China mobile number (11 digits starting 1[3-9]) or a landline with its area code
 * (0936-4466666, 09364466666, an optional extension -123). Spaces and dashes are allowed as typed.
 */
export function isContactPhone(text: string): boolean {
  const p = text.replace(/[\s-]/g, "").replace(/^\+?86(?=1\d{10}$)/, "");
  return /^1[3-9]\d{9}$/.test(p) || /^0\d{2,3}\d{7,8}(\d{1,6})?$/.test(p);
}

export const CONTACT_PHONE_EMPTY = "请填写联系电话";
export const CONTACT_PHONE_INVALID = "请填写正确的手机号或带区号的固定电话，如 13912345678 或 0936-4466666";

/** The contact phone as a request field: empty says one thing only, a wrong number the other. */
export const ContactPhoneSchema = z
  .string({ message: CONTACT_PHONE_EMPTY })
  .trim()
  .min(1, CONTACT_PHONE_EMPTY)
  .max(20, CONTACT_PHONE_INVALID)
  .refine((v) => v === "" || isContactPhone(v), CONTACT_PHONE_INVALID);
