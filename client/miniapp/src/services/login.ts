import type { LoginProvider } from "@warmline/shared";
import { ApiError } from "./errors";

/** A one-time code from WeChat or Alipay; the server exchanges it for a session. */
export interface LoginCode {
  provider: LoginProvider;
  code: string;
}

/**
 * How this platform gets a login code. The build picks login.weapp.ts, login.alipay.ts or
 * login.h5.ts for `import "./login"`; this file is the shared type and the fallback.
 */
export interface PlatformLogin {
  /** Login buttons this platform offers, in display order. */
  readonly providers: readonly LoginProvider[];
  /**
   * Gets a code. Resolves to null when the platform must leave the page to get one (H5: the browser
   * goes to the provider's login page, which comes back to the login page with the code).
   */
  requestCode(provider: LoginProvider): Promise<LoginCode | null>;
  /** A code handed back to the login page (H5 redirect return), once; null when there is none. */
  takeReturnedCode(routerParams: Record<string, string | undefined>): LoginCode | null;
}

export const platformLogin: PlatformLogin = {
  providers: [],
  requestCode: () =>
    Promise.reject(new ApiError({ code: "LOGIN_UNSUPPORTED", status: 0, message: "当前平台暂不支持登录" })),
  takeReturnedCode: () => null,
};
