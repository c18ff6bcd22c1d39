import type { PlatformCertificates } from "./certificates";
import { chooseNativeCertificates, uploadNativeCertificate } from "./nativeCertificates";

/** Mini-program: the album / camera sheet, then uploadFile per certificate photo. */
export const platformCertificates: PlatformCertificates = {
  pick: chooseNativeCertificates,
  upload: uploadNativeCertificate,
  release: () => undefined,
};
