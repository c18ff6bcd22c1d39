/// <reference types="@tarojs/taro" />

declare module "*.png";
declare module "*.svg";
declare module "*.css";
declare module "*.scss";

/** API origin injected at build time (config/index.ts): '' on H5, TARO_APP_API_BASE for mini-programs. */
declare const API_BASE: string;

/** 订阅消息 template ids injected at build time (config/index.ts) from TARO_APP_TEMPLATE_*. */
declare const SUBSCRIBE_TEMPLATE_IDS: { ticketProgress: string; followUpDue: string };

declare namespace NodeJS {
  interface ProcessEnv {
    /** Platform of the current build. */
    TARO_ENV: "weapp" | "alipay" | "h5" | "swan" | "tt" | "qq" | "jd" | "rn" | "harmony";
    TARO_APP_API_BASE?: string;
    TARO_APP_TEMPLATE_TICKET_PROGRESS?: string;
    TARO_APP_TEMPLATE_FOLLOW_UP_DUE?: string;
  }
}

/** Alipay's global API object (only the part this app uses). */
declare const my: {
  getAuthCode(options: {
    scopes: string | string[];
    success?: (res: { authCode: string }) => void;
    fail?: (err: { error?: number; errorMessage?: string }) => void;
  }): void;
  /** Opens Alipay's cashier for a trade created on the server (alipay.trade.create). */
  tradePay(options: {
    tradeNO: string;
    success?: (res: { resultCode: string; result?: string; memo?: string }) => void;
    fail?: (res: { resultCode?: string; error?: number; errorMessage?: string }) => void;
  }): void;
};
