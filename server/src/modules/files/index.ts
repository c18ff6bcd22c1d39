import type { WarmlineModule } from "../../module";
import { mountFileRoutes } from "./routes";

export { type FileKind, FileKinds, type ServedFile } from "./kinds";
export { type FileRef, fileLink, linkFor, readFileToken } from "./links";
export { detectImageType, IMAGE_EXT, type ImageMime, readMultipartFile } from "./uploads";

/**
 * Files: signed links and the one route that serves them (`GET /api/v1/files/:token`), multipart uploads
 * and image types. It owns no table and imports no module: the modules that serve files declare their
 * kinds (`fileKinds` on their descriptors), which the composition root gathers into `deps.files`.
 * The file store itself (`FileStorage`, `LocalDiskStorage`) is an adapter in lib/storage.ts.
 */
export const filesModule: WarmlineModule = {
  name: "files",
  entities: [],
  mount: mountFileRoutes,
};
