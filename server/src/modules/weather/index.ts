import type { WarmlineModule } from "../../module";
import { OutdoorReading } from "./entities";
import { weatherRoutes } from "./routes";

export { OutdoorReading } from "./entities";
export { listOutdoor, outdoorAt, presentReading, recordOutdoor } from "./service";

export const weatherModule: WarmlineModule = {
  name: "weather",
  entities: [OutdoorReading],
  routes: weatherRoutes,
};
