import type { TableColumnsType } from "antd";

/**
 * The width a table's page leaves it on a 1440 px screen: the window minus the 220 px desk menu, the
 * content's 24 px margins and a card body's 24 px padding (1440 − 220 − 48 − 48). Every list of the console
 * fits in it without a horizontal scroll bar; narrower windows scroll.
 */
export const TABLE_WIDTH_AT_1440 = 1122;

/** What a column without a width (an address, a note) is given at least before the table scrolls. */
export const FLEX_COLUMN_MIN = 160;

/**
 * `scroll.x` for a table: its fixed column widths plus `flexMin` for each column that has none. The table
 * fills its container and scrolls only when the container is narrower than this, so the last columns
 * (times, amounts, actions) are never cut off while there is room for them.
 */
export function minTableWidth<T>(columns: TableColumnsType<T>, flexMin = FLEX_COLUMN_MIN): number {
  return columns.reduce((sum, c) => sum + (typeof c.width === "number" ? c.width : flexMin), 0);
}
