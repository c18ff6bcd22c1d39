import { describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import { AppError } from "../../http/errors";
import { FileKinds, fileLink, readFileToken } from "../files";
import { PHOTO_FILE } from "./photos";

/** The generic parts (upload reading, image types, link signing, the disk store) are tested in files/ and lib/. */
describe("signed photo links", () => {
  const secret = "unit-test-secret-unit-test-secret-0";
  const kinds = new FileKinds([PHOTO_FILE]);

  it("name the photo with the letter p, carry no extension, and expire", () => {
    const now = Date.now();
    const { url } = fileLink(secret, { kind: PHOTO_FILE, id: 42 }, 600, now);
    expect(url).toMatch(/^\/api\/v1\/files\/p\.42\.\d+\.[A-Za-z0-9_-]{43}$/);
    const token = url.split("/").pop() as string;
    expect(readFileToken(secret, token, kinds, now)).toEqual({ kind: PHOTO_FILE, id: 42 });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as AppError).code;
      }
      return null;
    };
    expect(code(() => readFileToken(secret, token, kinds, now + 601_000))).toBe("FILE_LINK_INVALID");
    expect(code(() => readFileToken(secret, token.replace(/^p\.42\./, "p.43."), kinds, now))).toBe("FILE_LINK_INVALID");
    expect(code(() => readFileToken(secret, `${token}.pdf`, kinds, now))).toBe("FILE_LINK_INVALID");
  });

  it("open the stored photo as an uploaded file (sandboxed) of its own type; a lost file is an invalid link", async () => {
    const row = { id: 3, storageKey: "photos/202611/ab.png", mime: "image/png" };
    const depsWith = (stored: Buffer | null) =>
      ({
        ds: { getRepository: () => ({ findOneBy: async ({ id }: { id: number }) => (id === row.id ? row : null) }) },
        storage: { get: async (key: string) => (key === row.storageKey ? stored : null) },
      }) as unknown as Deps;
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    expect(await PHOTO_FILE.open(depsWith(png), 3)).toEqual({ body: png, type: "image/png", uploaded: true });
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => (e as AppError).code,
      );
    expect(await failure(PHOTO_FILE.open(depsWith(null), 3))).toBe("FILE_LINK_INVALID");
    expect(await failure(PHOTO_FILE.open(depsWith(png), 4))).toBe("FILE_LINK_INVALID");
  });
});
