export * from "./coldRoom";
export * from "./constants";
export * from "./contactPhone";
export * from "./priority";
export * from "./rates";
export * from "./sla";
