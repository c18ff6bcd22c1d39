import Taro from "@tarojs/taro";
import { PAGES } from "../../constants";

/** Back to the account's bills: the page below if it is that one (it reloads on show), else replace this one. */
export function backToBills(accountId: number | null): Promise<unknown> {
  if (accountId === null) return Taro.reLaunch({ url: PAGES.home });
  const pages = Taro.getCurrentPages();
  const previous = pages[pages.length - 2]?.route ?? "";
  if (previous.includes("pages/bills/index")) return Taro.navigateBack();
  return Taro.redirectTo({ url: `${PAGES.bills}?accountId=${accountId}` });
}

export function openPayments(accountId: number): Promise<unknown> {
  return Taro.navigateTo({ url: `${PAGES.payments}?accountId=${accountId}` });
}

/** 查看电子发票: the payment's (blue) invoice. */
export function openInvoice(invoiceId: number): Promise<unknown> {
  return Taro.navigateTo({ url: `${PAGES.invoice}?id=${invoiceId}` });
}
