import { describe, expect, it } from "vitest";
import { idCheckChar, rng } from "./random";

describe("demo randomness", () => {
  it("is deterministic per seed", () => {
    const a = rng(42);
    const b = rng(42);
    expect([a.next(), a.next(), a.int(1, 6)]).toEqual([b.next(), b.next(), b.int(1, 6)]);
    expect(rng(1).next()).not.toBe(rng(2).next());
  });

  it("computes GB 11643 check characters", () => {
    // published sample number 11010519491231002X
    expect(idCheckChar("11010519491231002")).toBe("X");
    expect(idCheckChar("44052418800101001")).toBe("4");
  });
});
