export * from "./constants";
export * from "./priority";
export * from "./sla";
