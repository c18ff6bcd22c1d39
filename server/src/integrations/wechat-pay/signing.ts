import {
  createCipheriv,
  createDecipheriv,
  createSign,
  createVerify,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

/**
 * WeChat Pay v3 signatures and AES-GCM, with node:crypto only. Shared by the client (responses,
 * notifications) and the sandbox (requests, its own responses and notifications).
 */

export const AUTH_SCHEME = "WECHATPAY2-SHA256-RSA2048";
export const PUBLIC_KEY_ID_PREFIX = "PUB_KEY_ID_";

/** Normalised certificate serial: upper-case hex without leading zeros (WeChat prints 40 hex digits). */
export function normalizeSerial(serial: string): string {
  return serial
    .trim()
    .toUpperCase()
    .replace(/^0+(?=.)/, "");
}

/** 32 upper-case hex characters from the CSPRNG (WeChat allows up to 32). */
export function nonceStr(): string {
  return randomBytes(16).toString("hex").toUpperCase();
}

/** The v3 signed message: every part followed by "\n" (`a\nb\nc\n`). */
export function signedMessage(parts: readonly (string | Buffer)[]): Buffer {
  const nl = Buffer.from("\n");
  return Buffer.concat(parts.flatMap((p) => [typeof p === "string" ? Buffer.from(p, "utf8") : p, nl]));
}

export function rsaSign(parts: readonly (string | Buffer)[], privateKey: KeyObject): string {
  return createSign("RSA-SHA256").update(signedMessage(parts)).sign(privateKey, "base64");
}

export function rsaVerify(parts: readonly (string | Buffer)[], signatureB64: string, publicKey: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64)) return false;
  try {
    return createVerify("RSA-SHA256").update(signedMessage(parts)).verify(publicKey, signatureB64, "base64");
  } catch {
    return false;
  }
}

/** The fields of an `Authorization: WECHATPAY2-SHA256-RSA2048 k="v",…` header, or null when malformed. */
export interface AuthorizationFields {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

export function parseAuthorization(header: string | undefined): AuthorizationFields | null {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return null;
  const fields: Record<string, string> = {};
  const re = /\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/gy;
  const rest = header.slice(AUTH_SCHEME.length + 1);
  let m: RegExpExecArray | null;
  let end = 0;
  // biome-ignore lint/suspicious/noAssignInExpressions: the usual exec loop
  while ((m = re.exec(rest)) !== null) {
    if (m[1] in fields) return null;
    fields[m[1]] = m[2];
    end = re.lastIndex;
    if (end === rest.length) break;
  }
  if (end !== rest.length) return null;
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return null;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

// ---- AEAD_AES_256_GCM (notification resources, encrypted certificates) -------------------------

/** ciphertext‖tag, base64, as WeChat sends it. */
export function aesGcmEncrypt(apiV3Key: string, nonce: string, associatedData: string, plaintext: string): string {
  const cipher = createCipheriv("aes-256-gcm", apiV3Bytes(apiV3Key), Buffer.from(nonce, "utf8"));
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString("base64");
}

/** Decrypts and authenticates; throws on any tampering (the tag is checked by final()). */
export function aesGcmDecrypt(apiV3Key: string, nonce: string, associatedData: string, ciphertextB64: string): string {
  const data = Buffer.from(ciphertextB64, "base64");
  if (data.length < 17 || data.toString("base64") !== ciphertextB64) throw new Error("ciphertext is not base64");
  const decipher = createDecipheriv("aes-256-gcm", apiV3Bytes(apiV3Key), Buffer.from(nonce, "utf8"), {
    authTagLength: 16,
  });
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  return plain.toString("utf8");
}

function apiV3Bytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, "utf8");
  if (key.length !== 32) throw new Error("the APIv3 key must be 32 bytes");
  return key;
}

// ---- verifying what WeChat Pay signed (responses and notifications) ----------------------------

/** The keys WeChat Pay signs with: platform certificates by serial, and/or the WeChat Pay public key. */
export class WechatPayVerifier {
  readonly #certs = new Map<string, KeyObject>();

  constructor(
    platformCerts: Iterable<[serial: string, publicKey: KeyObject]>,
    private readonly publicKey: { id: string; key: KeyObject } | null,
  ) {
    for (const [serial, key] of platformCerts) this.#certs.set(normalizeSerial(serial), key);
  }

  /** The key for a Wechatpay-Serial value; never fetched over the network. */
  keyFor(serial: string): KeyObject | null {
    if (serial.startsWith(PUBLIC_KEY_ID_PREFIX)) {
      const pk = this.publicKey;
      return pk && safeEqual(pk.id, serial) ? pk.key : null;
    }
    if (!/^[0-9A-Fa-f]{1,64}$/.test(serial)) return null;
    return this.#certs.get(normalizeSerial(serial)) ?? null;
  }

  /**
   * Checks the Wechatpay-* headers over `timestamp\nnonce\nbody\n`. Returns the failure reason
   * (NotificationRejected's codes), or null when the message is authentic and fresh.
   */
  check(
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
    nowMs: number,
    skewS: number,
  ): "MALFORMED" | "UNKNOWN_SERIAL" | "BAD_SIGNATURE" | "STALE_TIMESTAMP" | null {
    const timestamp = header(headers, "wechatpay-timestamp");
    const nonce = header(headers, "wechatpay-nonce");
    const signature = header(headers, "wechatpay-signature");
    const serial = header(headers, "wechatpay-serial");
    if (!timestamp || !nonce || !signature || !serial) return "MALFORMED";
    if (!/^\d{1,12}$/.test(timestamp) || nonce.length > 64 || signature.length > 1024 || serial.length > 128) {
      return "MALFORMED";
    }
    const key = this.keyFor(serial);
    if (!key) return "UNKNOWN_SERIAL";
    if (!rsaVerify([timestamp, nonce, body], signature, key)) return "BAD_SIGNATURE";
    if (Math.abs(nowMs / 1000 - Number(timestamp)) > skewS) return "STALE_TIMESTAMP";
    return null;
  }
}

/** One header value (lower-case name), or undefined when absent or repeated. */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---- dates ---------------------------------------------------------------------------------------

/** RFC 3339 in Beijing time, as WeChat writes and expects it: 2025-11-15T14:03:00+08:00 */
export function rfc3339Shanghai(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

/** Parses WeChat's RFC 3339 times (any offset); null when it is not one. */
export function parseRfc3339(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
