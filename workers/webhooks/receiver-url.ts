import ipaddr from "ipaddr.js";

/**
 * Where webhook deliveries may go: a public https endpoint. Local runs (tests, `npm start`)
 * may also use http and private addresses (a test's receiver on loopback). Pure, so the
 * address rules are tested on their own (test/unit/receiver-url.test.ts).
 */
export interface UrlProblem {
  message: string;
  issue: string;
}

/** What is wrong with a receiver URL, or undefined when it may be used. */
export function receiverUrlProblem(url: string, local: boolean): UrlProblem | undefined {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && !(local && parsed.protocol === "http:")) return { message: "the webhook url must be https", issue: "must be https" };
  if (!local && isPrivateHost(parsed.hostname)) return { message: "the webhook url must not point at a private address", issue: "private address" };
  if (parsed.username || parsed.password) return { message: "put no credentials in the webhook url (the signature authenticates deliveries)", issue: "credentials" };
  return undefined;
}

/**
 * Any address but a public unicast one (loopback, private, link-local, shared, unspecified,
 * multicast, reserved…, by `ipaddr.js`'s ranges; an IPv4-mapped IPv6 address by its IPv4
 * one), and `localhost` names. The URL parser has already normalised the host: IPv4 written
 * in hex, octal or as one number is dotted decimal, IPv6 is bracketed. A public name that
 * resolves to a private address is not caught here; Cloudflare's fetch does not reach
 * private networks.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  if (!ipaddr.isValid(literal)) return host.startsWith("["); // a name; a bracketed host this cannot read is refused
  return ipaddr.process(literal).range() !== "unicast";
}
