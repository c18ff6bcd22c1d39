/**
 * Which bills a resident may pay together. Old arrears come first: the selection is always the oldest
 * open bills, with no gap. Selecting a bill selects every older one; deselecting one deselects every
 * newer one. The server enforces the same rule (ARREARS_FIRST) and computes the amount itself.
 */

export interface PayableBill {
  id: number;
  /** "2025-2026": lexical order is season order */
  seasonCode: string;
  dueDate: string;
  /** principal + late fee owed now, fen */
  owedFen: number;
}

function olderFirst(a: PayableBill, b: PayableBill): number {
  if (a.seasonCode !== b.seasonCode) return a.seasonCode < b.seasonCode ? -1 : 1;
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return a.id - b.id;
}

/** Bills with something owed, oldest season first. */
export function openBillsOldestFirst<T extends PayableBill>(bills: readonly T[]): T[] {
  return bills.filter((b) => b.owedFen > 0).sort(olderFirst);
}

/** How many of the oldest open bills are selected, for any list of ids (gaps end the run). */
function selectedRun(open: readonly PayableBill[], selected: readonly number[]): number {
  const chosen = new Set(selected);
  let n = 0;
  while (n < open.length && chosen.has(open[n].id)) n++;
  return n;
}

/** The ids of the `count` oldest open bills. */
function oldest(open: readonly PayableBill[], count: number): number[] {
  return open.slice(0, Math.max(0, Math.min(count, open.length))).map((b) => b.id);
}

/**
 * Taps the checkbox of `billId`: a selected bill is deselected with every newer one; an unselected one is
 * selected with every older one. Unknown ids leave the selection as it is (normalised).
 */
export function toggleBill(open: readonly PayableBill[], selected: readonly number[], billId: number): number[] {
  const index = open.findIndex((b) => b.id === billId);
  const run = selectedRun(open, selected);
  if (index < 0) return oldest(open, run);
  return index < run ? oldest(open, index) : oldest(open, index + 1);
}

/** 全部缴清 */
export function selectAll(open: readonly PayableBill[]): number[] {
  return open.map((b) => b.id);
}

/** Selection up to and including `billId` (arriving from one bill's page); everything when unknown. */
export function selectThrough(open: readonly PayableBill[], billId: number | null): number[] {
  const index = billId === null ? -1 : open.findIndex((b) => b.id === billId);
  return index < 0 ? selectAll(open) : oldest(open, index + 1);
}

/** The part of an earlier selection that is still a run of the oldest open bills (after the bills changed). */
export function keepSelection(open: readonly PayableBill[], selected: readonly number[]): number[] {
  return oldest(open, selectedRun(open, selected));
}

/** True when `selected` is exactly a run of the oldest open bills (what the server accepts). */
export function isOldestFirst(open: readonly PayableBill[], selected: readonly number[]): boolean {
  return new Set(selected).size === selected.length && selectedRun(open, selected) === selected.length;
}

/** The client's estimate of the selection's total; the server's amount on the order is what is paid. */
export function selectionTotalFen(open: readonly PayableBill[], selected: readonly number[]): number {
  const chosen = new Set(selected);
  return open.reduce((sum, b) => (chosen.has(b.id) ? sum + b.owedFen : sum), 0);
}
