import { createHmac, timingSafeEqual } from "node:crypto";
import type { FileLink } from "@warmline/shared";
import type { Config } from "../../config";
import { AppError } from "../../http/errors";
import { API_PREFIX } from "../../http/route";
import type { FileKind, FileKinds } from "./kinds";

/**
 * Short-lived signed links to files, for places that cannot send an Authorization header (a browser tab,
 * the mini-program's downloadFile or <Image src>). The token names the kind (one letter), the id and the
 * expiry, and is signed with a key derived from the token secret; it grants that one file until it expires.
 * A link ends in its kind's suffix (".pdf" for documents; nothing for photos, whose type is served with them).
 */
export interface FileRef {
  kind: FileKind;
  id: number;
}

function keyOf(secret: string): Buffer {
  return createHmac("sha256", secret).update("warmline file links v1").digest();
}

function sign(secret: string, body: string): string {
  return createHmac("sha256", keyOf(secret)).update(body).digest("base64url");
}

export function fileLink(
  secret: string,
  ref: { kind: Pick<FileKind, "letter" | "suffix">; id: number },
  ttlS: number,
  now = Date.now(),
): FileLink {
  const exp = Math.floor(now / 1000) + ttlS;
  const body = `${ref.kind.letter}.${ref.id}.${exp}`;
  return {
    url: `${API_PREFIX}/files/${body}.${sign(secret, body)}${ref.kind.suffix}`,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

/** A link with the configured secret and lifetime (`FILE_LINK_TTL_S`, the same for every kind). */
export function linkFor(config: Config, kind: Pick<FileKind, "letter" | "suffix">, id: number): FileLink {
  return fileLink(config.auth.tokenSecret, { kind, id }, config.invoices.fileLinkTtlS);
}

/**
 * The file a token names; FILE_LINK_INVALID (404) when it is malformed, forged, expired, of no known kind or
 * ends in another suffix than its kind's (a token without its suffix is accepted).
 */
export function readFileToken(secret: string, token: string, kinds: FileKinds, now = Date.now()): FileRef {
  const m = /^([a-z])\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})(\.[a-z0-9]{1,8})?$/.exec(token);
  if (!m) throw new AppError("FILE_LINK_INVALID");
  const [, letter, id, exp, sig, suffix] = m as unknown as [string, string, string, string, string, string?];
  const kind = kinds.byLetter(letter);
  if (!kind || (suffix !== undefined && suffix !== kind.suffix)) throw new AppError("FILE_LINK_INVALID");
  const want = Buffer.from(sign(secret, `${letter}.${id}.${exp}`));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw new AppError("FILE_LINK_INVALID");
  if (Number(exp) * 1000 < now) throw new AppError("FILE_LINK_INVALID");
  return { kind, id: Number(id) };
}
