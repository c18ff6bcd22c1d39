import type { Res } from "./http";
import { HeatingAccount } from "@warmline/server/src/modules/accounts";
import { DEMO_HOUSEHOLDS, seedCounty } from "@warmline/server/src/seed/demo";
import type { Deps } from "@warmline/server/src/deps";

/** A small county with the fixed demo households first; returns them with their account rows. */
export async function seedSmallCounty(deps: Deps, accounts = 60) {
  await seedCounty(deps.ds, deps.vault, { accounts });
  const rows = await deps.ds.getRepository(HeatingAccount).find({ order: { id: "ASC" } });
  const households = DEMO_HOUSEHOLDS.map((h, i) => ({ ...h, account: rows[i] }));
  const allPhones = rows.map((r) => deps.vault.decrypt(r.phoneEnc)).filter((p): p is string => !!p);
  const allIds = rows.map((r) => deps.vault.decrypt(r.idNumberEnc)).filter((p): p is string => !!p);
  return { rows, households, allPhones, allIds };
}

type Api = { post(path: string, body?: unknown): Promise<Res> };

/** Bind a household's account by its owner's name (the usual second factor). */
export function bindByName(api: Api, h: { ownerName: string; account: { accountNo: string } }, value = h.ownerName) {
  return api.post("/api/v1/me/accounts", { accountNo: h.account.accountNo, factor: "owner_name", value });
}
