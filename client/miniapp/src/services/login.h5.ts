import { ApiError } from "./errors";
import type { PlatformLogin } from "./login";
import { readLoginReturn, sandboxLoginUrl } from "./loginReturn";

const STATE_KEY = "warmline.h5LoginState";
const LOGIN_ROUTE = "#/pages/login/index";
const consumedCodes = new Set<string>();

function randomState(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The login page's own address, e.g. http://host/h5/#/pages/login/index */
function loginPageUrl(): string {
  return `${window.location.origin}${window.location.pathname}${LOGIN_ROUTE}`;
}

/** H5 has no native login: the browser visits the provider's page and is sent back with a code. */
export const platformLogin: PlatformLogin = {
  providers: ["wechat", "alipay"],
  requestCode(provider) {
    const state = randomState();
    window.sessionStorage.setItem(STATE_KEY, state);
    window.location.assign(sandboxLoginUrl(provider, loginPageUrl(), state));
    return Promise.resolve(null);
  },
  takeReturnedCode(routerParams) {
    const returned = readLoginReturn(routerParams, window.location);
    if (!returned || consumedCodes.has(returned.code)) return null;
    consumedCodes.add(returned.code);
    const expected = window.sessionStorage.getItem(STATE_KEY);
    window.sessionStorage.removeItem(STATE_KEY);
    // A code is single use: keep it out of the address bar, history and a reload.
    window.history.replaceState(window.history.state, "", `${window.location.pathname}${LOGIN_ROUTE}`);
    if (!expected || expected !== returned.state) {
      throw new ApiError({ code: "LOGIN_STATE_MISMATCH", status: 0, message: "登录校验未通过，请重新登录" });
    }
    return { provider: returned.provider, code: returned.code };
  },
};
