import Taro from "@tarojs/taro";
import { PAGES } from "../../constants";

/** After binding: back to 我的户号 if the resident came from there, otherwise replace this page with it. */
export function returnToAccounts(): Promise<unknown> {
  const pages = Taro.getCurrentPages();
  const previous = pages[pages.length - 2]?.route ?? "";
  if (previous.includes("pages/accounts/index")) return Taro.navigateBack();
  return Taro.redirectTo({ url: PAGES.accounts });
}
