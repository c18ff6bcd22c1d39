import { z } from "zod";
import { SANDBOX_PATHS } from "../../integrations/sandboxPaths";
import { mountH5Login } from "../h5Login";
import { jsonInput } from "../sandboxBody";
import type { VendorSandbox } from "../vendor";
import { WechatSandboxLogin } from "./login";
import { mountWechatSubscribeSandbox, WechatSandboxSubscribe } from "./subscribe";

export interface WechatMpSandboxes {
  /** jscode2session: login codes and the users behind them */
  wechat: WechatSandboxLogin;
  /** subscribe messages sent, refusals, token expiry */
  wechatSubscribe: WechatSandboxSubscribe;
}

/**
 * The WeChat mini-program's services under /sandbox/wechat: /sns/jscode2session (code → openid),
 * /cgi-bin/… (access token, subscribe messages; see subscribe.ts), /h5-login (the sign-in page for the
 * H5 build) and /test/codes (mint a login code for a chosen identity: tests, scripts).
 */
export const wechatMpSandbox: VendorSandbox<WechatMpSandboxes> = {
  vendor: "wechat-mp",
  mount(router, { config, opts }) {
    const W = SANDBOX_PATHS.wechat;
    const wechat = new WechatSandboxLogin({ ...config.wechat, ...opts });
    router.get(`${W}/sns/jscode2session`, (ctx) => {
      ctx.set("Cache-Control", "no-store");
      // WeChat sends this answer as text/plain; clients must not rely on the content type
      ctx.type = "text/plain; charset=utf-8";
      ctx.body = JSON.stringify(wechat.jscode2session(new URLSearchParams(ctx.querystring)));
    });

    const wechatSubscribe = new WechatSandboxSubscribe({
      appId: config.wechat.appId,
      secret: config.wechat.secret,
      templateIds: [
        ...Object.values(config.messages.wechat.templates),
        ...Object.values(config.residentMessages.wechat),
      ],
      now: opts.now,
    });
    mountWechatSubscribeSandbox(router, W, wechatSubscribe);

    router.post(`${W}/test/codes`, async (ctx) => {
      const input = await jsonInput(ctx, WechatCodeRequest);
      if (!input) return;
      const { code, user } = wechat.issueCode(input);
      ctx.body = { code, openid: user.openid };
    });
    mountH5Login(router, "wechat", (identity) => wechat.issueCode(wechat.userFor(identity)).code);
    return { wechat, wechatSubscribe };
  },
};

const id64 = z.string().trim().min(1).max(64);
const WechatCodeRequest = z.object({ openid: id64.optional(), unionid: id64.optional(), nickname: id64.optional() });
