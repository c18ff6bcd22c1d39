import { createHmac, timingSafeEqual } from "node:crypto";
import type { FileLink } from "@warmline/shared";
import { AppError } from "../../http/errors";

/**
 * Short-lived signed links to generated PDFs and uploaded photos, for places that cannot send an
 * Authorization header (a browser tab, the mini-program's downloadFile or <Image src>). The token names the
 * file and its expiry and is signed with a key derived from the token secret; it grants that one file
 * until it expires. PDF links end in ".pdf"; photo links have no extension (the type is served with them).
 */
export type FileRef = { kind: "invoice"; id: number } | { kind: "receipt"; id: number } | { kind: "photo"; id: number };

const PREFIX = { invoice: "i", receipt: "r", photo: "p" } as const;
const KIND = { i: "invoice", r: "receipt", p: "photo" } as const;

function keyOf(secret: string): Buffer {
  return createHmac("sha256", secret).update("warmline file links v1").digest();
}

function sign(secret: string, body: string): string {
  return createHmac("sha256", keyOf(secret)).update(body).digest("base64url");
}

export function fileLink(secret: string, ref: FileRef, ttlS: number, now = Date.now()): FileLink {
  const exp = Math.floor(now / 1000) + ttlS;
  const body = `${PREFIX[ref.kind]}.${ref.id}.${exp}`;
  return {
    url: `/api/v1/files/${body}.${sign(secret, body)}${ref.kind === "photo" ? "" : ".pdf"}`,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

/** The document a token names; FILE_LINK_INVALID (404) when malformed, forged or expired. */
export function readFileToken(secret: string, token: string, now = Date.now()): FileRef {
  const m = /^([irp])\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})(\.pdf)?$/.exec(token);
  if (!m) throw new AppError("FILE_LINK_INVALID");
  const [, kind, id, exp, sig, ext] = m as unknown as [string, "i" | "r" | "p", string, string, string, string?];
  if (kind === "p" && ext) throw new AppError("FILE_LINK_INVALID");
  const want = Buffer.from(sign(secret, `${kind}.${id}.${exp}`));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw new AppError("FILE_LINK_INVALID");
  if (Number(exp) * 1000 < now) throw new AppError("FILE_LINK_INVALID");
  return { kind: KIND[kind], id: Number(id) };
}
