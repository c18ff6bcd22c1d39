import { chooseNativePhotos, uploadNativePhoto } from "./nativePhotos";
import type { PlatformPhotos } from "./photos";

/** Alipay mini-program: my.chooseImage, then my.uploadFile per photo. */
export const platformPhotos: PlatformPhotos = {
  pick: chooseNativePhotos,
  upload: uploadNativePhoto,
  release: () => undefined,
};
