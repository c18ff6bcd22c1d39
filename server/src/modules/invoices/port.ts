import { In } from "typeorm";
import type { InvoicingPort } from "../payments";
import { Invoice } from "./entities";
import { buyerForResident, buyerForStaff } from "./titles";

/** The invoices side of payments' InvoicingPort (wired by the composition root). */
export const invoicingPort: InvoicingPort = {
  buyerForResident,
  buyerForStaff,
  async invoicesOfPayments(db, paymentOrderIds) {
    if (paymentOrderIds.length === 0) return new Map();
    const rows = await db.getRepository(Invoice).findBy({ sourceKey: In(paymentOrderIds.map((id) => `pay:${id}`)) });
    return new Map(rows.map((i) => [i.paymentOrderId as number, { id: i.id, status: i.status }]));
  },
};
