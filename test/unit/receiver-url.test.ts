import { describe, expect, it } from "vitest";
import { isPrivateHost, receiverUrlProblem } from "../../workers/webhooks/receiver-url";

const hostOf = (url: string) => new URL(url).hostname;

describe("webhook receiver urls", () => {
  const PRIVATE = [
    "https://localhost/x",
    "https://api.localhost/x",
    "https://127.0.0.1/x",
    "https://127.1.2.3/x",
    "https://0.0.0.0/x",
    "https://10.0.0.1/x",
    "https://100.64.0.1/x",
    "https://169.254.169.254/latest/meta-data",
    "https://172.16.0.1/x",
    "https://172.31.255.255/x",
    "https://192.168.1.1/x",
    // Other spellings the URL parser turns into the same IPv4 address.
    "https://2130706433/x",
    "https://0x7f.1/x",
    "https://0177.0.0.1/x",
    "https://[::1]/x",
    "https://[::]/x",
    "https://[fc00::1]/x",
    "https://[fd12:3456::1]/x",
    "https://[fe80::1]/x",
    "https://[::ffff:10.0.0.1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://[::ffff:169.254.169.254]/x",
  ];
  const PUBLIC = [
    "https://erp.example.com/hooks",
    "https://8.8.8.8/x",
    "https://172.32.0.1/x",
    "https://100.128.0.1/x",
    "https://192.169.0.1/x",
    "https://[2606:4700::1111]/x",
    "https://[::ffff:8.8.8.8]/x",
    "https://localhost.example.com/x",
  ];

  it("knows private, loopback, link-local and shared addresses in every spelling the URL parser accepts", () => {
    for (const url of PRIVATE) expect(isPrivateHost(hostOf(url)), `${url} (${hostOf(url)})`).toBe(true);
    for (const url of PUBLIC) expect(isPrivateHost(hostOf(url)), `${url} (${hostOf(url)})`).toBe(false);
  });

  it("takes public https only, except locally, where http and private addresses are a test's receiver", () => {
    expect(receiverUrlProblem("https://erp.example.com/hooks", false)).toBeUndefined();
    expect(receiverUrlProblem("http://erp.example.com/hooks", false)?.issue).toBe("must be https");
    expect(receiverUrlProblem("https://[::ffff:10.0.0.1]/x", false)?.issue).toBe("private address");
    expect(receiverUrlProblem("https://user:pw@erp.example.com/x", false)?.issue).toBe("credentials");
    expect(receiverUrlProblem("http://127.0.0.1:8080/x", true)).toBeUndefined();
    expect(receiverUrlProblem("ftp://example.com/x", true)?.issue).toBe("must be https");
  });
});
