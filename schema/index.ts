// Shared API shapes: one zod schema per shape, used by the Worker's validators, the
// OpenAPI document, the dashboard and the typed client.
export * from "./limits";
export * from "./ids";
export * from "./errors";
export * from "./stores";
export * from "./cells";
export * from "./reservations";
export * from "./tokens";
export * from "./store-sync";
export * from "./reports";
export * from "./regions";
export * from "./service";
export * from "./local";
