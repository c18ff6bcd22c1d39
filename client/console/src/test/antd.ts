import { waitFor } from "@testing-library/react";

/**
 * The open antd modal with this title. Found by class: the drawer is a dialog too, and under test every
 * dialog gets the same aria-labelledby id, so role and name do not tell them apart.
 */
export const modal = (title: string) =>
  waitFor(() => {
    const el = document.querySelector(".ant-modal");
    if (!el?.querySelector(".ant-modal-title")?.textContent?.startsWith(title)) throw new Error(`no ${title} modal`);
    return el as HTMLElement;
  });

/** The payment drawer once it shows a payment. */
export const paymentDrawer = () =>
  waitFor(() => {
    const el = document.querySelector(".payment-drawer");
    if (!el?.textContent?.includes("分配到账单")) throw new Error("no drawer");
    return el as HTMLElement;
  });

/** The invoice drawer once it shows an invoice (optionally: this one, by a text in it). */
export const invoiceDrawer = (text = "发票明细") =>
  waitFor(() => {
    const el = document.querySelector(".invoice-drawer");
    if (!el?.textContent?.includes("发票明细") || !el.textContent.includes(text))
      throw new Error(`no drawer with ${text}`);
    return el as HTMLElement;
  });

/** The table row holding this text. */
export const rowWith = (text: string) =>
  waitFor(() => {
    const tr = [...document.querySelectorAll("tr.ant-table-row")].find((el) => el.textContent?.includes(text));
    if (!tr) throw new Error(`no row with ${text}`);
    return tr as HTMLElement;
  });
