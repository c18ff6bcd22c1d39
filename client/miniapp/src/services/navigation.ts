import Taro from "@tarojs/taro";
import { PAGES } from "../constants";

let redirecting = false;

function onLoginPage(): boolean {
  try {
    const pages = Taro.getCurrentPages();
    const route = pages[pages.length - 1]?.route ?? "";
    return route.includes("pages/login/index");
  } catch {
    return false;
  }
}

/** Sends the resident to the login page once, however many requests found the session gone. */
export function goToLogin(): void {
  if (redirecting || onLoginPage()) return;
  redirecting = true;
  Promise.resolve(Taro.reLaunch({ url: PAGES.login }))
    .catch(() => undefined)
    .finally(() => {
      redirecting = false;
    });
}
