import { chooseNativePhotos, uploadNativePhoto } from "./nativePhotos";
import type { PlatformPhotos } from "./photos";

/** WeChat mini-program: wx.chooseImage, then wx.uploadFile per photo. */
export const platformPhotos: PlatformPhotos = {
  pick: chooseNativePhotos,
  upload: uploadNativePhoto,
  release: () => undefined,
};
