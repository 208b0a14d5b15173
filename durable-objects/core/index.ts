// The stock cell's rules: plain functions over plain data (no Workers APIs).
export * from "./types";
export * from "./state";
export * from "./availability";
export * from "./shared-pool";
export * from "./allocation";
export * from "./holds";
export * from "./stock-changes";
export * from "./oversell";
export * from "./commands";
export * from "./view";
export * from "./reservation";
export * from "./replay";
export * from "./operations";
export * from "./alerts";
export * from "./transfer";
export * from "./webhook-policy";
export * from "./retry";
