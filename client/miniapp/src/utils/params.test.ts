import { describe, expect, it } from "vitest";
import { positiveId } from "./params";

describe("positiveId", () => {
  it("reads positive whole ids only", () => {
    expect(positiveId("12")).toBe(12);
    expect(positiveId("0")).toBeNull();
    expect(positiveId("-1")).toBeNull();
    expect(positiveId("1.5")).toBeNull();
    expect(positiveId("12abc")).toBeNull();
    expect(positiveId(undefined)).toBeNull();
    expect(positiveId("")).toBeNull();
  });
});
