export * from "./taxId";
