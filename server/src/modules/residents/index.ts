import type { WarmlineModule } from "../../module";
import { ResidentUser } from "./entities";

export { ResidentUser } from "./entities";
export { presentResident, residentForIdentity } from "./residentService";

export const residentsModule: WarmlineModule = {
  name: "residents",
  entities: [ResidentUser],
};
