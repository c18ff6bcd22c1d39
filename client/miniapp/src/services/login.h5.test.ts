import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./errors";
import { platformLogin } from "./login.h5";

const STATE_KEY = "warmline.h5LoginState";

function arriveAt(hash: string) {
  window.history.replaceState(null, "", `/h5/${hash}`);
}

beforeEach(() => {
  window.sessionStorage.clear();
  arriveAt("#/pages/login/index");
});

describe("H5 login", () => {
  it("offers both providers", () => {
    expect(platformLogin.providers).toEqual(["wechat", "alipay"]);
  });

  it("sends the browser to the sandbox page with a saved random state", async () => {
    const assign = vi.spyOn(window.location, "assign").mockImplementation(() => undefined);
    await expect(platformLogin.requestCode("wechat")).resolves.toBeNull();
    const target = new URL(String(assign.mock.calls[0][0]), window.location.origin);
    expect(target.pathname).toBe("/sandbox/wechat/h5-login");
    expect(target.searchParams.get("redirect_uri")).toBe(`${window.location.origin}/h5/#/pages/login/index`);
    const state = target.searchParams.get("state");
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(window.sessionStorage.getItem(STATE_KEY)).toBe(state);
  });

  it("takes the code from the hash when the state matches, once, and drops it from the address bar", () => {
    window.sessionStorage.setItem(STATE_KEY, "s-ok");
    arriveAt("#/pages/login/index?code=c-1&provider=alipay&state=s-ok");
    expect(platformLogin.takeReturnedCode({})).toEqual({ provider: "alipay", code: "c-1" });
    expect(window.location.hash).toBe("#/pages/login/index");
    expect(window.sessionStorage.getItem(STATE_KEY)).toBeNull();
    expect(platformLogin.takeReturnedCode({ code: "c-1", provider: "alipay", state: "s-ok" })).toBeNull();
  });

  it("refuses a code whose state does not match the saved one", () => {
    window.sessionStorage.setItem(STATE_KEY, "mine");
    arriveAt("#/pages/login/index?code=c-2&provider=wechat&state=forged");
    let thrown: unknown;
    try {
      platformLogin.takeReturnedCode({});
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ code: "LOGIN_STATE_MISMATCH" });
  });

  it("refuses a code when no login was started in this tab", () => {
    arriveAt("#/pages/login/index?code=c-3&provider=wechat&state=any");
    expect(() => platformLogin.takeReturnedCode({})).toThrow(ApiError);
  });

  it("returns null on a plain visit", () => {
    expect(platformLogin.takeReturnedCode({ $taroTimestamp: "1" })).toBeNull();
  });
});
