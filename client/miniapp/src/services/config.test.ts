import { describe, expect, it } from "vitest";
import { apiBase, resolveApiUrl } from "./config";

describe("resolveApiUrl", () => {
  it("puts a path on the API's origin (the build's API_BASE)", () => {
    expect(apiBase).toBe("http://api.test");
    expect(resolveApiUrl("/api/v1/files/a.pdf?sig=1")).toBe("http://api.test/api/v1/files/a.pdf?sig=1");
    expect(resolveApiUrl("/api/v1/files/a.pdf", "http://10.0.0.2:8080/", "http://page")).toBe(
      "http://10.0.0.2:8080/api/v1/files/a.pdf",
    );
  });

  it("uses the page's origin on H5, where the API shares it (API_BASE '')", () => {
    expect(resolveApiUrl("/api/v1/files/a.pdf", "", "https://heat.example.cn")).toBe(
      "https://heat.example.cn/api/v1/files/a.pdf",
    );
    expect(resolveApiUrl("/api/v1/files/a.pdf", "", window.location.origin)).toBe(
      `${window.location.origin}/api/v1/files/a.pdf`,
    );
  });

  it("keeps absolute URLs", () => {
    expect(resolveApiUrl("https://files.example.cn/a.pdf")).toBe("https://files.example.cn/a.pdf");
  });
});
