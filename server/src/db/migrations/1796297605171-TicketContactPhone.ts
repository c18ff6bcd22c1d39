import { sqlMigration } from "../migrationSql";

/**
 * Data only: the ticket's caller_phone_enc / caller_phone_bidx become its one 联系电话 for every channel.
 * Mini-program tickets filed before the report form asked for a phone get the account's register phone
 * (the same ciphertext and blind index: one vault key and the same "phone" index), which is what the form
 * now prefills. Nothing to undo: the down step cannot tell backfilled values from given ones.
 */
const backfill = (q: string) =>
  `UPDATE ${q}tickets${q} SET ${q}caller_phone_enc${q} = (SELECT a.${q}phone_enc${q} FROM ${q}heating_accounts${q} a WHERE a.${q}id${q} = ${q}tickets${q}.${q}account_id${q}), ${q}caller_phone_bidx${q} = (SELECT a.${q}phone_bidx${q} FROM ${q}heating_accounts${q} a WHERE a.${q}id${q} = ${q}tickets${q}.${q}account_id${q}) WHERE ${q}caller_phone_enc${q} IS NULL AND ${q}account_id${q} IS NOT NULL AND ${q}channel${q} IN ('wechat', 'alipay')`;

export const TicketContactPhone1796297605171 = sqlMigration(
  "TicketContactPhone1796297605171",
  { mysql: [backfill("`")], sqlite: [backfill('"')] },
  { mysql: [], sqlite: [] },
);
