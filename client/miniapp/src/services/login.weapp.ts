import Taro from "@tarojs/taro";
import { ApiError } from "./errors";
import type { PlatformLogin } from "./login";

/** WeChat mini-program: wx.login gives a code for code2Session on the server. */
export const platformLogin: PlatformLogin = {
  providers: ["wechat"],
  async requestCode() {
    let code: string | undefined;
    try {
      ({ code } = await Taro.login());
    } catch {
      code = undefined;
    }
    if (!code) throw new ApiError({ code: "LOGIN_CODE_UNAVAILABLE", status: 0, message: "微信登录失败，请稍后重试" });
    return { provider: "wechat", code };
  },
  takeReturnedCode: () => null,
};
