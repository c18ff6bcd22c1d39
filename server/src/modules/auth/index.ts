import type { WarmlineModule } from "../../module";
import { AuthSession } from "./entities";
import { authRoutes } from "./routes";

export { AuthSession } from "./entities";
export { TokenService } from "./tokens";

export const authModule: WarmlineModule = {
  name: "auth",
  entities: [AuthSession],
  routes: authRoutes,
};
