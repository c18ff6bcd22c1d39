import { describe, expect, it } from "vitest";
import { AppError } from "../../http/errors";
import { type FileKind, FileKinds } from "./kinds";
import { fileLink, readFileToken } from "./links";

const secret = "unit-test-secret-unit-test-secret-0";
const open: FileKind["open"] = async () => ({ body: Buffer.alloc(0), type: "application/octet-stream" });
const DOC: FileKind = { name: "doc", letter: "d", suffix: ".pdf", open };
const IMAGE: FileKind = { name: "image", letter: "m", suffix: "", open };
const kinds = new FileKinds([DOC, IMAGE]);

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
  return null;
};
const tokenOf = (url: string) => url.split("/").pop() as string;

describe("signed file links", () => {
  it("name the kind by its letter and end in its suffix; they read back until they expire", () => {
    const now = Date.now();
    const doc = fileLink(secret, { kind: DOC, id: 7 }, 600, now);
    expect(doc.url).toMatch(/^\/api\/v1\/files\/d\.7\.\d+\.[A-Za-z0-9_-]{43}\.pdf$/);
    expect(doc.expiresAt).toBe(new Date((Math.floor(now / 1000) + 600) * 1000).toISOString());
    expect(readFileToken(secret, tokenOf(doc.url), kinds, now)).toEqual({ kind: DOC, id: 7 });
    // the suffix is decoration: a token without it names the same file
    expect(readFileToken(secret, tokenOf(doc.url).replace(/\.pdf$/, ""), kinds, now)).toEqual({ kind: DOC, id: 7 });

    const image = fileLink(secret, { kind: IMAGE, id: 42 }, 600, now);
    expect(image.url).toMatch(/^\/api\/v1\/files\/m\.42\.\d+\.[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(image.url);
    expect(readFileToken(secret, token, kinds, now)).toEqual({ kind: IMAGE, id: 42 });
    expect(readFileToken(secret, token, kinds, now + 599_000)).toEqual({ kind: IMAGE, id: 42 });
    expect(code(() => readFileToken(secret, token, kinds, now + 601_000))).toBe("FILE_LINK_INVALID");
  });

  it("refuse forged, altered, misnamed and unknown tokens alike", () => {
    const now = Date.now();
    const token = tokenOf(fileLink(secret, { kind: IMAGE, id: 42 }, 600, now).url);
    const doc = tokenOf(fileLink(secret, { kind: DOC, id: 42 }, 600, now).url);
    const flip = (t: string) => t.replace(/(.)$/, (c) => (c === "A" ? "B" : "A"));
    for (const bad of [
      flip(token), // the signature
      token.replace(/^m\.42\./, "m.43."), // another id
      token.replace(/^m\./, "d."), // another kind with the same id and signature
      token.replace(/^(m\.42\.)(\d+)/, (_, a: string, exp: string) => `${a}${Number(exp) + 3600}`), // later expiry
      `${token}.pdf`, // a suffix its kind does not have
      doc.replace(/\.pdf$/, ".png"),
      token.replace(/^m\./, "x."), // no kind has the letter
      "nonsense",
      "m.1.1.x",
    ]) {
      expect(
        code(() => readFileToken(secret, bad, kinds, now)),
        bad,
      ).toBe("FILE_LINK_INVALID");
    }
    expect(code(() => readFileToken("another-secret-another-secret-0000", token, kinds, now))).toBe(
      "FILE_LINK_INVALID",
    );
    // a kind that is not registered is not served, even with a valid signature
    expect(code(() => readFileToken(secret, token, new FileKinds([DOC]), now))).toBe("FILE_LINK_INVALID");
  });
});

describe("FileKinds", () => {
  it("refuses a letter or a name declared twice, and malformed letters or suffixes", () => {
    expect(() => new FileKinds([DOC, { ...IMAGE, letter: "d" }])).toThrow(/share the letter d/);
    expect(() => new FileKinds([DOC, { ...DOC, letter: "e" }])).toThrow(/declared twice/);
    expect(() => new FileKinds([{ ...DOC, letter: "D" }])).toThrow(/letter/);
    expect(() => new FileKinds([{ ...DOC, letter: "dd" }])).toThrow(/letter/);
    expect(() => new FileKinds([{ ...DOC, suffix: "pdf" }])).toThrow(/suffix/);
    expect(new FileKinds([IMAGE, DOC]).names()).toEqual(["doc", "image"]);
    expect(kinds.byLetter("d")).toBe(DOC);
    expect(kinds.byLetter("z")).toBeUndefined();
  });
});
