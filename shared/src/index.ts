export * from "./account";
export * from "./errors";
export * from "./mask";
export * from "./roles";
export * from "./api/common";
export * from "./api/auth";
export * from "./api/accounts";
export * from "./billing";
