export * from "./bill";
export * from "./capitals";
export * from "./dates";
export * from "./money";
export * from "./season";
