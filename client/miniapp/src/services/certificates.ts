import type { HardshipAttachmentView } from "@warmline/shared";

/** A certificate photo or PDF scan the resident picked, not uploaded yet. */
export interface PickedCertificate {
  /** what <Image src> shows (a temporary path, or a blob: URL on H5); "" for a PDF */
  preview: string;
  size: number;
  /** MIME type where the platform tells it */
  type?: string;
  /** mini-programs: the temporary file */
  path?: string;
  /** H5: the chosen file */
  file?: Blob;
  name?: string;
  pdf: boolean;
}

export type CertificatePick =
  | { kind: "picked"; files: PickedCertificate[] }
  | { kind: "cancelled" }
  | { kind: "failed"; message: string };

/**
 * How this platform picks and uploads certificate files. The build picks certificates.h5.ts,
 * certificates.weapp.ts or certificates.alipay.ts for `import "./certificates"` (platformCertificates);
 * this file is the shared type and the fallback; only types may be imported from it (shared values: certificateFiles.ts).
 */
export interface PlatformCertificates {
  pick(max: number): Promise<CertificatePick>;
  upload(file: PickedCertificate): Promise<HardshipAttachmentView>;
  release(file: PickedCertificate): void;
}

export const platformCertificates: PlatformCertificates = {
  pick: () => Promise.resolve({ kind: "failed", message: "当前平台暂不支持上传证明材料" }),
  upload: () => Promise.reject(new Error("当前平台暂不支持上传证明材料")),
  release: () => undefined,
};
