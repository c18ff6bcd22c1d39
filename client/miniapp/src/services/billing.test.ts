import { beforeEach, describe, expect, it, vi } from "vitest";

const api = vi.hoisted(() => ({ request: vi.fn() }));
vi.mock("./request", () => ({ request: api.request }));

import { createPayment, getPaymentStatus, listBills, listPayments } from "./billing";
import { ApiError } from "./errors";

const CREATED = {
  id: 5,
  outTradeNo: "WL5",
  vendor: "wechat",
  amountFen: 186_840,
  expireAt: "2026-11-20T02:30:00.000Z",
  clientParams: { timeStamp: "1", nonceStr: "n", package: "prepay_id=p", signType: "RSA", paySign: "s" },
  cashierUrl: null,
};

beforeEach(() => {
  api.request.mockReset();
});

describe("createPayment", () => {
  it("posts the order once, flagged noRetry (it moves money)", async () => {
    api.request.mockResolvedValue(CREATED);
    await expect(createPayment({ accountId: 3, billIds: [10, 15], vendor: "wechat" })).resolves.toEqual(CREATED);
    expect(api.request).toHaveBeenCalledTimes(1);
    expect(api.request).toHaveBeenCalledWith("/api/v1/me/payments", {
      method: "POST",
      data: { accountId: 3, billIds: [10, 15], vendor: "wechat" },
      noRetry: true,
    });
  });

  it("refuses an answer without the order's amount or pay parameters", async () => {
    api.request.mockResolvedValue({ ...CREATED, amountFen: "186.40" });
    await expect(createPayment({ accountId: 3, vendor: "wechat" })).rejects.toBeInstanceOf(ApiError);
  });

  it("passes the server's error on (ARREARS_FIRST)", async () => {
    const refused = new ApiError({ code: "ARREARS_FIRST", status: 400, message: "请先缴清往期欠费" });
    api.request.mockRejectedValue(refused);
    await expect(createPayment({ accountId: 3, billIds: [30], vendor: "alipay" })).rejects.toBe(refused);
  });
});

describe("reads", () => {
  it("use the resident's account paths", async () => {
    api.request.mockResolvedValue({ items: [], totalOwedFen: 0 });
    await listBills(3);
    await listPayments(3);
    await getPaymentStatus(5);
    expect(api.request.mock.calls.map((c) => c[0])).toEqual([
      "/api/v1/me/accounts/3/bills",
      "/api/v1/me/accounts/3/payments",
      "/api/v1/me/payments/5",
    ]);
  });
});
