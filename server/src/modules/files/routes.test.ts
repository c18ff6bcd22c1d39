import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import Router from "@koa/router";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../deps";
import { AppError, errorHandler } from "../../http/errors";
import { requestContext } from "../../http/requestId";
import { type FileKind, FileKinds } from "./kinds";
import { fileLink } from "./links";
import { mountFileRoutes } from "./routes";

const secret = "unit-test-secret-unit-test-secret-0";
const opened: number[] = [];
const DOC: FileKind = {
  name: "doc",
  letter: "d",
  suffix: ".pdf",
  async open(_deps, id) {
    opened.push(id);
    if (id === 404) throw new AppError("FILE_LINK_INVALID");
    return { body: Buffer.from("%PDF-1.7 doc"), type: "application/pdf", filename: `doc-${id}.pdf` };
  },
};
const PHOTO: FileKind = {
  name: "photo",
  letter: "p",
  suffix: "",
  async open() {
    return {
      body: Readable.from([Buffer.from([0x89, 0x50]), Buffer.from([0x4e, 0x47])]),
      type: "image/png",
      uploaded: true,
    };
  },
};

describe("GET /api/v1/files/:token", () => {
  let server: http.Server;
  let base = "";
  beforeAll(async () => {
    const deps = { config: { auth: { tokenSecret: secret } }, files: new FileKinds([DOC, PHOTO]) } as unknown as Deps;
    const router = new Router();
    mountFileRoutes(router, deps);
    const app = new Koa();
    app.use(requestContext);
    app.use(errorHandler);
    app.use(router.routes());
    server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
  });

  it("serves what the kind opens: a document inline under its name, without a sandbox", async () => {
    const res = await fetch(`${base}${fileLink(secret, { kind: DOC, id: 5 }, 60).url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe('inline; filename="doc-5.pdf"');
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(await res.text()).toBe("%PDF-1.7 doc");
    expect(opened).toContain(5);
  });

  it("an uploaded file (a stream) is served inline, nameless, under a sandboxing CSP", async () => {
    const res = await fetch(`${base}${fileLink(secret, { kind: PHOTO, id: 9 }, 60).url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe("inline");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });

  it("a bad token or a file that is gone is 404 FILE_LINK_INVALID, and a bad token opens nothing", async () => {
    const before = opened.length;
    for (const path of [
      "/api/v1/files/nonsense",
      fileLink("another-secret-another-secret-0000", { kind: DOC, id: 6 }, 60).url,
      fileLink(secret, { kind: DOC, id: 6 }, -10).url,
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("FILE_LINK_INVALID");
    }
    expect(opened.length).toBe(before);
    const gone = await fetch(`${base}${fileLink(secret, { kind: DOC, id: 404 }, 60).url}`);
    expect(gone.status).toBe(404);
  });
});
