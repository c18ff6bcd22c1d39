import type { WarmlineModule } from "../../module";
import { SuspensionApplication, SuspensionEvent } from "./entities";
import { mountSuspensionPhoto, SUSPENSION_PHOTO_FILE, SUSPENSION_PHOTO_PATH } from "./photo";
import { suspensionPolicies } from "./policies";
import { suspensionRoutes } from "./routes";

export { SuspensionApplication, SuspensionEvent } from "./entities";
export { arrearsOf, heatingHistory } from "./service";

/**
 * 报停/复供 (DOMAIN.md "Fees"; issue 17): residents apply for a season before its deadline, staff approve or
 * reject and may send a technician to seal (or open) the valve, confirmed with a photo. A granted application
 * writes the account's heating-status history (accounts module: `AccountHeatingStatus`), which the bill run
 * reads to bill a suspended account the tariff's base-fee share.
 */
export const suspensionsModule: WarmlineModule = {
  name: "suspensions",
  entities: [SuspensionApplication, SuspensionEvent],
  routes: suspensionRoutes,
  mount: mountSuspensionPhoto,
  streamedBodyPaths: [SUSPENSION_PHOTO_PATH],
  policies: suspensionPolicies,
  fileKinds: [SUSPENSION_PHOTO_FILE],
};
