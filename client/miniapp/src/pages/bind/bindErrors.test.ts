import { describe, expect, it } from "vitest";
import { ApiError } from "../../services/errors";
import { bindFailure, recheckBind, remainingAttempts, validateBind } from "./bindErrors";

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

  it("after the last failure, and when the locked 户号 is tried again: how long to wait, and the hotline", () => {
    const last = new ApiError({
      code: "BIND_FAILED",
      status: 400,
      message: "户号或验证信息不正确",
      details: { remainingAttempts: 0, retryAfterMinutes: 15 },
    });
    expect(bindFailure(last).message).toBe(
      "户号或验证信息不正确。验证失败次数过多，请 15 分钟后再试，或致电24小时供热服务热线 0936-4466666 由工作人员协助绑定",
    );
    const again = new ApiError({
      code: "BIND_RATE_LIMITED",
      status: 429,
      message: "验证失败次数过多，请稍后再试",
      details: { retryAfterMinutes: 12 },
    });
    expect(bindFailure(again).message).toBe(
      "验证失败次数过多，请 12 分钟后再试，或致电24小时供热服务热线 0936-4466666 由工作人员协助绑定",
    );
    const noTime = new ApiError({ code: "BIND_RATE_LIMITED", status: 429, message: "验证失败次数过多，请稍后再试" });
    expect(bindFailure(noTime).message).toContain("请稍后再试，或致电24小时供热服务热线 0936-4466666");
    const suspended = new ApiError({ code: "BIND_ACCOUNT_SUSPENDED", status: 429, message: "已暂停在线绑定" });
    expect(bindFailure(suspended).message).toBe("已暂停在线绑定；也可致电24小时供热服务热线 0936-4466666");
  });

  it("shows other errors' messages", () => {
    expect(bindFailure(new ApiError({ code: "ALREADY_BOUND", status: 409, message: "您已绑定该户号" })).message).toBe(
      "您已绑定该户号",
    );
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

describe("validateBind", () => {
  it("gives one message a field, the server's own", () => {
    expect(validateBind({ accountNo: "", factor: "phone_tail", value: "" })).toEqual({
      accountNo: expect.any(String),
      value: "请输入验证信息",
    });
    expect(validateBind({ accountNo: "1010110101", factor: "phone_tail", value: "12a" })).toEqual({
      value: "请输入手机号后4位数字",
    });
    expect(validateBind({ accountNo: "1010110101", factor: "phone_tail", value: "1234" })).toEqual({});
  });
});

describe("recheckBind", () => {
  const typed = { accountNo: "1010110101", factor: "phone_tail" as const, value: "12" };
  const shown = { value: "请输入手机号后4位数字" };

  it("drops a message as soon as its field is valid, and follows it while it is not", () => {
    expect(recheckBind(shown, { ...typed, value: "123" }, ["value"])).toEqual(shown);
    expect(recheckBind(shown, { ...typed, value: "" }, ["value"])).toEqual({ value: "请输入验证信息" });
    expect(recheckBind(shown, { ...typed, value: "1234" }, ["value"])).toEqual({});
    expect(recheckBind({ accountNo: "户号应为 8 至 12 位数字" }, typed, ["accountNo"])).toEqual({});
  });

  it("keeps the messages of fields not changed", () => {
    const both = { accountNo: "户号应为 8 至 12 位数字", ...shown };
    expect(recheckBind(both, { ...typed, value: "1234", accountNo: "1" }, ["value"])).toEqual({
      accountNo: "户号应为 8 至 12 位数字",
    });
  });

  it("another verification method starts with an empty, quiet value", () => {
    expect(recheckBind(shown, { ...typed, factor: "owner_name", value: "" }, ["factor", "value"])).toEqual({});
  });
});
