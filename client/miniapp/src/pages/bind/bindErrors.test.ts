import { describe, expect, it } from "vitest";
import { ApiError } from "../../services/errors";
import { bindFailure, remainingAttempts } from "./bindErrors";

describe("bindFailure", () => {
  it("adds the remaining attempts to BIND_FAILED", () => {
    const err = new ApiError({
      code: "BIND_FAILED",
      status: 400,
      message: "户号或验证信息不正确",
      details: { remainingAttempts: 2 },
    });
    expect(bindFailure(err)).toEqual({ message: "户号或验证信息不正确，还可尝试 2 次", fields: {} });
  });

  it("shows the message alone when the server gives no count", () => {
    const err = new ApiError({ code: "BIND_FAILED", status: 400, message: "户号或验证信息不正确" });
    expect(bindFailure(err).message).toBe("户号或验证信息不正确");
  });

  it("puts validation messages under their fields", () => {
    const err = new ApiError({
      code: "VALIDATION_FAILED",
      status: 400,
      message: "提交的信息有误，请检查后重试",
      details: [
        { path: "value", message: "请输入手机号后4位数字" },
        { path: ["accountNo"], message: "户号应为 8 至 12 位数字" },
      ],
    });
    expect(bindFailure(err)).toEqual({
      message: "",
      fields: { value: "请输入手机号后4位数字", accountNo: "户号应为 8 至 12 位数字" },
    });
  });

  it("shows other errors' messages", () => {
    const err = new ApiError({ code: "BIND_RATE_LIMITED", status: 429, message: "验证失败次数过多，请稍后再试" });
    expect(bindFailure(err).message).toBe("验证失败次数过多，请稍后再试");
    expect(bindFailure(new Error("boom")).message).toBe("系统繁忙，请稍后再试");
  });
});

describe("remainingAttempts", () => {
  it("reads a number only", () => {
    expect(remainingAttempts({ remainingAttempts: 0 })).toBe(0);
    expect(remainingAttempts({ remainingAttempts: "3" })).toBeNull();
    expect(remainingAttempts(null)).toBeNull();
  });
});
