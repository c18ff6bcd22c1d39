/** Test support (imported by *.test.ts and test harnesses only): an HTTP server on a free local port. */
import type http from "node:http";
import type { AddressInfo } from "node:net";

/** Listens on 127.0.0.1 and a free port; the base URL. */
export function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** Closes the server and every connection it still holds. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
