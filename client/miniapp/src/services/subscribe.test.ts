import { beforeEach, describe, expect, it, vi } from "vitest";

const taro = vi.hoisted(() => ({ requestSubscribeMessage: vi.fn() }));
vi.mock("@tarojs/taro", () => ({ default: taro }));

import { alipayConsents, platformSubscribe as alipaySubscribe } from "./subscribe.alipay";
import { platformSubscribe as h5Subscribe } from "./subscribe.h5";
import { platformSubscribe as weappSubscribe, wechatConsents } from "./subscribe.weapp";

const TEMPLATES = [
  { template: "ticket_progress" as const, id: "tpl-progress" },
  { template: "follow_up_due" as const, id: "tpl-follow-up" },
];

beforeEach(() => {
  taro.requestSubscribeMessage.mockReset();
});

describe("WeChat subscribe consents", () => {
  it("reads accept per template id; reject, ban and filter are refusals", () => {
    expect(
      wechatConsents(
        { errMsg: "requestSubscribeMessage:ok", "tpl-progress": "accept", "tpl-follow-up": "reject" },
        TEMPLATES,
      ),
    ).toEqual([
      { template: "ticket_progress", accepted: true },
      { template: "follow_up_due", accepted: false },
    ]);
    expect(wechatConsents({ "tpl-progress": "ban" }, TEMPLATES).map((r) => r.accepted)).toEqual([false, false]);
  });

  it("asks for all templates in one sheet", async () => {
    taro.requestSubscribeMessage.mockResolvedValue({ "tpl-progress": "accept", "tpl-follow-up": "accept" });
    await expect(weappSubscribe.ask(TEMPLATES)).resolves.toEqual([
      { template: "ticket_progress", accepted: true },
      { template: "follow_up_due", accepted: true },
    ]);
    expect(taro.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(["tpl-progress", "tpl-follow-up"]);
  });

  it("knows nothing when the platform refuses to ask, and asks nothing without templates", async () => {
    taro.requestSubscribeMessage.mockRejectedValue({
      errMsg: "requestSubscribeMessage:fail can only be invoked by user TAP gesture.",
    });
    await expect(weappSubscribe.ask(TEMPLATES)).resolves.toEqual([]);
    taro.requestSubscribeMessage.mockClear();
    await expect(weappSubscribe.ask([])).resolves.toEqual([]);
    expect(taro.requestSubscribeMessage).not.toHaveBeenCalled();
  });
});

describe("Alipay subscribe consents", () => {
  it("reads the subscribed entity ids; a cancelled sheet accepted nothing", () => {
    expect(
      alipayConsents(
        {
          behavior: "subscribe",
          result: { subscribeEntityIds: ["tpl-progress"], subscribedEntityIds: ["tpl-progress"] },
        },
        TEMPLATES,
      ),
    ).toEqual([
      { template: "ticket_progress", accepted: true },
      { template: "follow_up_due", accepted: false },
    ]);
    expect(
      alipayConsents({ behavior: "cancel", result: { subscribedEntityIds: ["tpl-progress"] } }, TEMPLATES).some(
        (r) => r.accepted,
      ),
    ).toBe(false);
  });

  it("asks with entityIds", async () => {
    taro.requestSubscribeMessage.mockResolvedValue({
      behavior: "subscribe",
      result: { subscribeEntityIds: ["tpl-progress", "tpl-follow-up"] },
    });
    await expect(alipaySubscribe.ask(TEMPLATES)).resolves.toHaveLength(2);
    expect(taro.requestSubscribeMessage.mock.calls[0][0].entityIds).toEqual(["tpl-progress", "tpl-follow-up"]);
  });
});

describe("H5 subscribe consents", () => {
  it("asks nothing: a browser has no subscribe messages", async () => {
    await expect(h5Subscribe.ask(TEMPLATES)).resolves.toEqual([]);
    expect(taro.requestSubscribeMessage).not.toHaveBeenCalled();
  });
});
