import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Captured {
  headers: Record<string, string>;
  body: string;
}

/** A throwaway HTTP receiver that records what is POSTed to it (to get a vendor's exact notification). */
export async function captureServer() {
  const got: Captured[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      got.push({ headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/capture`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
