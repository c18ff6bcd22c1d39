import { ApiError } from "./errors";
import type { PlatformLogin } from "./login";

function getAuthCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    my.getAuthCode({
      scopes: "auth_base",
      success: (res) => resolve(res.authCode),
      fail: (err) => reject(err),
    });
  });
}

/** Alipay mini-program: a silent auth_base authCode, exchanged on the server for the user id. */
export const platformLogin: PlatformLogin = {
  providers: ["alipay"],
  async requestCode() {
    const code = await getAuthCode().catch(() => "");
    if (!code) throw new ApiError({ code: "LOGIN_CODE_UNAVAILABLE", status: 0, message: "支付宝登录失败，请稍后重试" });
    return { provider: "alipay", code };
  },
  takeReturnedCode: () => null,
};
