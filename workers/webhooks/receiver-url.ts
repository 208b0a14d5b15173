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
 * Loopback, private, link-local, shared (CGNAT) and unspecified addresses, and `localhost`
 * names. The URL parser has already normalised the host: IPv4 written in hex, octal or as
 * one number is dotted decimal, IPv6 is bracketed and compressed (an IPv4-mapped address
 * as `::ffff:a00:1`). A public name that resolves to a private address is not caught here;
 * Cloudflare's fetch does not reach private networks.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) return isPrivateV4(v4.slice(1).map(Number) as [number, number, number, number]);
  if (!host.startsWith("[")) return false;
  const v6 = expandV6(host.slice(1, -1));
  if (!v6) return true; // not an address this understands: refuse rather than guess
  if (v6.slice(0, 7).every((part) => part === 0) && v6[7]! <= 1) return true; // :: and ::1
  if ((v6[0]! & 0xfe00) === 0xfc00) return true; // fc00::/7, unique local
  if ((v6[0]! & 0xffc0) === 0xfe80) return true; // fe80::/10, link-local
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible): the IPv4 address decides.
  if (v6.slice(0, 5).every((part) => part === 0) && (v6[5] === 0xffff || v6[5] === 0)) {
    return isPrivateV4([v6[6]! >> 8, v6[6]! & 0xff, v6[7]! >> 8, v6[7]! & 0xff]);
  }
  return false;
}

function isPrivateV4([a, b]: [number, number, number, number]): boolean {
  return (
    a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)
  );
}

/** Eight 16-bit groups of a compressed IPv6 address (as the URL parser writes it), or undefined. */
function expandV6(address: string): number[] | undefined {
  const [head, tail, extra] = address.split("::");
  if (extra !== undefined) return undefined;
  const groups = (text: string | undefined) => (text ? text.split(":") : []);
  const left = groups(head);
  const right = groups(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(Math.max(0, missing)).fill("0"), ...right];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return all.map((group) => parseInt(group, 16));
}
