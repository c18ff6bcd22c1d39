import { fireEvent, waitFor } from "@testing-library/react";

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

/**
 * Chooses an option of the antd Select whose input has this id (the dropdown renders in a portal; options
 * are found by their text among the visible ones).
 */
export async function chooseOption(id: string, option: string) {
  const input = document.getElementById(id);
  if (!input) throw new Error(`no select #${id}`);
  const select = input.closest(".ant-select") as HTMLElement;
  fireEvent.mouseDown(select.querySelector(".ant-select-selector") ?? select);
  const item = await waitFor(() => {
    const found = [...document.querySelectorAll(".ant-select-item-option")].find(
      (el) => el.textContent === option || el.getAttribute("title") === option,
    );
    if (!found) throw new Error(`no option ${option}`);
    return found as HTMLElement;
  });
  fireEvent.click(item);
  await waitFor(() => {
    if (!select.textContent?.includes(option)) throw new Error(`${option} not chosen`);
  });
}

/**
 * The least width the table of this wrapper asks for, in px: its `scroll.x` (the width antd gives the
 * <table>) or, without one, the sum of its columns' fixed widths. What fits in TABLE_WIDTH_AT_1440 shows
 * every column on a 1440 px screen without a horizontal scroll bar (the browser test measures it for real).
 */
export function declaredTableWidth(wrapper: Element): number {
  const table = wrapper.querySelector("table");
  if (!table) throw new Error("no table");
  const px = (v: string | null | undefined) => (v && /^\d+(\.\d+)?px$/.test(v) ? Number.parseFloat(v) : 0);
  const cols = [...wrapper.querySelectorAll("colgroup col")].map((c) => px((c as HTMLElement).style.width));
  return Math.max(
    px(table.style.width),
    cols.reduce((a, b) => a + b, 0),
  );
}
