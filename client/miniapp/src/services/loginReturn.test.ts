import { describe, expect, it } from "vitest";
import { hashQuery, parseLoginReturn, readLoginReturn, sandboxLoginUrl } from "./loginReturn";

describe("hashQuery", () => {
  it("reads the query of a hash route, decoded", () => {
    expect(hashQuery("#/pages/login/index?code=a%2Bb&provider=wechat&state=xyz")).toEqual({
      code: "a+b",
      provider: "wechat",
      state: "xyz",
    });
  });

  it("is empty without a query", () => {
    expect(hashQuery("#/pages/login/index")).toEqual({});
    expect(hashQuery("")).toEqual({});
  });
});

describe("parseLoginReturn", () => {
  it("needs a code, a known provider and a state", () => {
    expect(parseLoginReturn({ code: "c", provider: "alipay", state: "s" })).toEqual({
      code: "c",
      provider: "alipay",
      state: "s",
    });
    expect(parseLoginReturn({ code: "c", provider: "qq", state: "s" })).toBeNull();
    expect(parseLoginReturn({ code: "c", provider: "wechat" })).toBeNull();
    expect(parseLoginReturn({ provider: "wechat", state: "s" })).toBeNull();
  });
});

describe("readLoginReturn", () => {
  const noLocation = { hash: "#/pages/login/index", search: "" };

  it("takes the router params first", () => {
    const location = { hash: "#/pages/login/index?code=old&provider=alipay&state=s1", search: "" };
    expect(readLoginReturn({ code: "new", provider: "wechat", state: "s2", $taroTimestamp: "1" }, location)).toEqual({
      code: "new",
      provider: "wechat",
      state: "s2",
    });
  });

  it("falls back to the hash of http://host/h5/#/pages/login/index?code=…", () => {
    const url = new URL("http://host/h5/#/pages/login/index?code=abc&provider=wechat&state=xyz");
    expect(readLoginReturn({}, { hash: url.hash, search: url.search })).toEqual({
      code: "abc",
      provider: "wechat",
      state: "xyz",
    });
  });

  it("falls back to the page's query string", () => {
    expect(readLoginReturn({}, { hash: "", search: "?code=q&provider=alipay&state=t" })).toMatchObject({ code: "q" });
  });

  it("is null on a plain visit", () => {
    expect(readLoginReturn({ $taroTimestamp: "1" }, noLocation)).toBeNull();
  });
});

describe("sandboxLoginUrl", () => {
  it("points at the provider's sandbox page with an encoded redirect_uri and the state", () => {
    const url = sandboxLoginUrl("alipay", "http://host/h5/#/pages/login/index", "s1");
    expect(url.startsWith("/sandbox/alipay/h5-login?")).toBe(true);
    const query = new URLSearchParams(url.slice(url.indexOf("?") + 1));
    expect(query.get("redirect_uri")).toBe("http://host/h5/#/pages/login/index");
    expect(query.get("state")).toBe("s1");
    expect(url).not.toContain("#");
  });
});
