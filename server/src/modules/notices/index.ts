import type { WarmlineModule } from "../../module";
import { Notice, NoticeImage } from "./entities";
import { mountNoticeImageRoutes, NOTICE_IMAGE_FILE, NOTICE_IMAGE_UPLOAD_PATH } from "./images";
import { noticeRoutes } from "./routes";

export { Notice, NoticeImage } from "./entities";
export { insertNotice, NOTICE_OUTAGE_JOB, residentPlaces } from "./service";

/**
 * 供热公告: staff publish notices (supervisors and administrators), residents read the current ones for
 * their accounts' communities and stations. A 停热检修 notice for stations is also sent to the residents
 * of those stations (the job NOTICE_OUTAGE_JOB, handled by the notifications module).
 */
export const noticesModule: WarmlineModule = {
  name: "notices",
  entities: [Notice, NoticeImage],
  routes: noticeRoutes,
  mount: mountNoticeImageRoutes,
  streamedBodyPaths: [NOTICE_IMAGE_UPLOAD_PATH],
  fileKinds: [NOTICE_IMAGE_FILE],
};
