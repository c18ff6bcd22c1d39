import { DEMO_PASSWORD } from "@warmline/server/src/seed/demo";
import { staffLogin } from "./http";
import { until } from "./wait";

export const TEST_TARIFFS = [
  { category: "residential", unitPriceFen: 2_160 },
  { category: "non_residential", unitPriceFen: 2_900 },
  { category: "public_institution", unitPriceFen: 2_600 },
];

/** Opens the given seasons through the staff API and generates their bills (waiting for the jobs). */
export async function seasonsWithBills(base: string, codes: string[]) {
  const sup = await staffLogin(base, "supervisor", DEMO_PASSWORD);
  for (const code of codes) {
    const s = await sup.api.post("/api/v1/staff/seasons", { code, tariffs: TEST_TARIFFS });
    if (s.status !== 201) throw new Error(`season ${code}: ${s.status} ${s.text}`);
    const run = await sup.api.post(`/api/v1/staff/seasons/${s.body.id}/bill-runs`);
    await until(async () => (await sup.api.get(`/api/v1/staff/bill-runs/${run.body.id}`)).body.status === "done");
  }
  return sup;
}
