export * from "./constants";
export * from "./priority";
export * from "./rates";
export * from "./sla";
