import type { LoginProvider } from "@warmline/shared";

/** Who the vendor says the mini-program user is. */
export interface VendorIdentity {
  provider: LoginProvider;
  /** WeChat openid, or Alipay user_id (open_id when the app uses open ids) */
  subject: string;
  unionId?: string | null;
  nickname?: string | null;
}

/**
 * Exchanges a mini-program login code with the vendor (WeChat jscode2session, Alipay
 * alipay.system.oauth.token). Throws AppError("LOGIN_CODE_INVALID") for a code the vendor rejects and
 * AppError("LOGIN_PROVIDER_ERROR") when the vendor cannot be reached or answers something unusable.
 */
export interface LoginExchanger {
  exchange(code: string): Promise<VendorIdentity>;
}
