import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

/**
 * Encryption of personal data at rest (AES-256-GCM) with the key id inside the value for rotation,
 * and an HMAC-SHA256 blind index for exact-match search without decrypting.
 * Stored form: "v1.<keyId>.<base64url(iv 12 | tag 16 | ciphertext)>".
 */
export class PiiVault {
  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly currentKeyId: string,
    private readonly indexKey: Buffer,
  ) {
    if (!keys.has(currentKeyId)) throw new Error(`PII key ${currentKeyId} is not configured`);
    for (const [id, k] of keys) if (k.length !== 32) throw new Error(`PII key ${id} must be 32 bytes`);
  }

  encrypt(plain: string): string;
  encrypt(plain: string | null | undefined): string | null;
  encrypt(plain: string | null | undefined): string | null {
    if (plain === null || plain === undefined || plain === "") return null;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key(this.currentKeyId), iv);
    cipher.setAAD(Buffer.from(this.currentKeyId));
    const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const blob = Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64url");
    return `v1.${this.currentKeyId}.${blob}`;
  }

  decrypt(stored: string | null | undefined): string | null {
    if (!stored) return null;
    const [version, keyId, blob] = stored.split(".");
    if (version !== "v1" || !keyId || !blob) throw new Error("unrecognised encrypted value");
    const raw = Buffer.from(blob, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", this.key(keyId), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  }

  /** Key id a stored value was encrypted with (to find values that need re-encryption after rotation). */
  keyIdOf(stored: string): string | null {
    return stored.split(".")[1] ?? null;
  }

  /** Blind index of an already normalised value; the field name is mixed in so equal values in different fields differ. */
  blindIndex(field: string, normalised: string | null | undefined): string | null {
    if (!normalised) return null;
    return createHmac("sha256", this.indexKey).update(`${field}\u0000${normalised}`).digest("hex");
  }

  private key(id: string): Buffer {
    const k = this.keys.get(id);
    if (!k) throw new Error(`PII key ${id} is not configured`);
    return k;
  }
}
