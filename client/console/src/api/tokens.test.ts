import { describe, expect, it, vi } from "vitest";
import { createTokenStore } from "./tokens";

describe("token store", () => {
  it("persists to storage and reads it back on the next page load", () => {
    const a = createTokenStore(localStorage, "t1");
    a.set({ accessToken: "A", refreshToken: "R" });
    expect(createTokenStore(localStorage, "t1").get()).toEqual({ accessToken: "A", refreshToken: "R" });
    a.clear();
    expect(createTokenStore(localStorage, "t1").get()).toBeNull();
  });

  it("ignores garbage in storage", () => {
    localStorage.setItem("t2", "{not json");
    expect(createTokenStore(localStorage, "t2").get()).toBeNull();
  });

  it("notifies subscribers of changes", () => {
    const s = createTokenStore(null);
    const listener = vi.fn();
    const off = s.subscribe(listener);
    s.set({ accessToken: "A", refreshToken: "R" });
    s.clear();
    s.clear(); // already empty: no change
    off();
    s.set({ accessToken: "B", refreshToken: "R" });
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
