// The typed client's types reach schema/regions.ts, which names a Workers type; the page
// only needs it to exist (the browser build does not load @cloudflare/workers-types, whose
// globals clash with the DOM's).
type DurableObjectLocationHint = string;
