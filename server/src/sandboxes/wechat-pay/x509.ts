import { createSign, type KeyObject, X509Certificate } from "node:crypto";

/**
 * A minimal DER writer for self-signed RSA certificates, enough for the sandbox's "platform certificate"
 * and merchant API certificate. node:crypto can read certificates (X509Certificate) but not create them;
 * the structure below is RFC 5280's Certificate with a v3 TBSCertificate and no extensions.
 */

const tlv = (tag: number, content: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const nullValue = () => Buffer.from([0x05, 0x00]);

/** A non-negative INTEGER from big-endian bytes (a leading zero keeps it positive). */
function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let body = bytes.subarray(start);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), "ascii")) : tlv(0x18, Buffer.from(digits, "ascii"));
}

const NAME_OIDS = { C: "2.5.4.6", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3" } as const;

export type DistinguishedName = Partial<Record<keyof typeof NAME_OIDS, string>>;

function name(dn: DistinguishedName): Buffer {
  const rdns: Buffer[] = [];
  for (const key of ["C", "O", "OU", "CN"] as const) {
    const value = dn[key];
    if (value === undefined) continue;
    // countryName is a PrintableString; the others UTF8String (Chinese names)
    const str = key === "C" ? tlv(0x13, Buffer.from(value, "ascii")) : tlv(0x0c, Buffer.from(value, "utf8"));
    rdns.push(set(sequence(oid(NAME_OIDS[key]), str)));
  }
  return sequence(...rdns);
}

export interface SelfSignedOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  subject: DistinguishedName;
  /** serial number bytes (big-endian, positive) */
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
}

/** A self-signed sha256WithRSAEncryption certificate, PEM. */
export function createSelfSignedCertificate(opts: SelfSignedOptions): string {
  const algorithm = sequence(oid("1.2.840.113549.1.1.11"), nullValue());
  const spki = opts.publicKey.export({ type: "spki", format: "der" });
  const subject = name(opts.subject);
  const tbs = sequence(
    tlv(0xa0, unsignedInteger(Buffer.from([2]))), // [0] EXPLICIT version v3
    unsignedInteger(opts.serial),
    algorithm,
    subject, // issuer: self-signed
    sequence(time(opts.notBefore), time(opts.notAfter)),
    subject,
    spki,
  );
  const signature = createSign("RSA-SHA256").update(tbs).sign(opts.privateKey);
  const der = sequence(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const pem = `-----BEGIN CERTIFICATE-----\n${der
    .toString("base64")
    .replace(/.{64}/g, "$&\n")
    .replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
  // parse it back: a malformed encoding fails here rather than in a verifier later
  const cert = new X509Certificate(pem);
  if (!cert.verify(opts.publicKey)) throw new Error("generated certificate does not verify");
  return pem;
}
