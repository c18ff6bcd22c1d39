export * from "./bill";
export * from "./dates";
export * from "./money";
export * from "./season";
