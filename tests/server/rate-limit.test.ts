/**
 * Per-client rate limiting: a token bucket per client address (never one global bucket). A throttled
 * client gets 429 with Retry-After while another client is still served; X-Forwarded-For names the
 * client only when the peer is a trusted proxy; memory stays bounded.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { clientAddress } from "../../cli/server/client-ip.ts";
import { RateLimiter } from "../../cli/server/rate-limit.ts";
import { metricValue, parseRaw, startTestServer, type RawResponse, type TestServer } from "./helpers.ts";

describe("RateLimiter", () => {
  test("burst tokens, then refusal with the seconds until the next token; refill over time", () => {
    let now = 0;
    const rl = new RateLimiter(2, 3, 100, () => now, () => 1000);
    expect(rl.take("a")).toEqual({ allowed: true, limit: 2, remaining: 2, resetSeconds: 1001 });
    expect(rl.take("a")).toMatchObject({ allowed: true, remaining: 1 });
    expect(rl.take("a")).toMatchObject({ allowed: true, remaining: 0 });
    expect(rl.take("a")).toEqual({ allowed: false, limit: 2, burst: 3, retryAfterSeconds: 1 });
    now += 500; // one token back at 2 per second
    expect(rl.take("a")).toMatchObject({ allowed: true, remaining: 0 });
    expect(rl.take("a").allowed).toBe(false);
    now += 10_000; // refills to the burst, never beyond
    expect(rl.take("a")).toMatchObject({ allowed: true, remaining: 2 });
  });

  test("each client has its own bucket", () => {
    const rl = new RateLimiter(1, 1, 100, () => 0);
    expect(rl.take("a").allowed).toBe(true);
    expect(rl.take("a").allowed).toBe(false);
    expect(rl.take("b").allowed).toBe(true);
    expect(rl.take("a").allowed).toBe(false);
  });

  test("a slow rate asks to retry later, in whole seconds", () => {
    const rl = new RateLimiter(0.1, 1, 100, () => 0);
    rl.take("a");
    expect(rl.take("a")).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
  });

  test("at most maxClients buckets: idle (full) ones go first, then the least recently seen", () => {
    let now = 0;
    const rl = new RateLimiter(1, 2, 3, () => now);
    for (const c of ["a", "b", "c"]) rl.take(c);
    expect(rl.size).toBe(3);
    rl.take("a"); // a is now the most recently seen, and has used its whole burst
    rl.take("d");
    expect(rl.size).toBe(3);
    expect(rl.take("a").allowed).toBe(false); // a was kept (b, the oldest, went)
    now += 10_000; // everyone idle long enough to be full again
    for (let i = 0; i < 50; i++) rl.take(`x${i}`);
    expect(rl.size).toBeLessThanOrEqual(3);
  });
});

describe("clientAddress", () => {
  const trusted = new Set(["127.0.0.1", "10.0.0.9"]);
  test("the peer, unless it is a trusted proxy; then the right-most untrusted X-Forwarded-For hop", () => {
    expect(clientAddress("192.0.2.1", "198.51.100.7", trusted)).toBe("192.0.2.1");
    expect(clientAddress("127.0.0.1", null, trusted)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "198.51.100.7", trusted)).toBe("198.51.100.7");
    expect(clientAddress("::ffff:127.0.0.1", "203.0.113.5, 198.51.100.7, 10.0.0.9", trusted)).toBe("198.51.100.7");
    expect(clientAddress("127.0.0.1", "10.0.0.9", trusted)).toBe("10.0.0.9");
    expect(clientAddress(undefined, "198.51.100.7", trusted)).toBe("unknown");
  });
});

/** One GET over a socket bound to `localAddress` (a loopback address other than 127.0.0.1). */
function getFrom(port: number, localAddress: string, path: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port, localAddress });
    let data = "";
    sock.on("data", (d) => (data += d.toString()));
    sock.on("end", () => resolve(parseRaw(data)));
    sock.on("error", reject);
    sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  });
}

describe("per-client limiting in the server", () => {
  // A rate so slow that no token comes back while the test runs: only the burst counts.
  const rate = 0.01;
  const burst = 3;
  let s: TestServer;
  beforeAll(() => {
    s = startTestServer({ rate, burst, trustedProxies: ["127.0.0.1"] });
  });
  afterAll(() => s.stop());

  const from = (ip: string, path = "/v1/recipe?service=eks") => fetch(`${s.url}${path}`, { headers: { "X-Forwarded-For": ip } });

  test("one client throttled with 429 and Retry-After, another served; health is never limited", async () => {
    const a: Response[] = [];
    for (let i = 0; i < burst + 2; i++) a.push(await from("198.51.100.1"));
    expect(a.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    expect(a.map((r) => r.headers.get("x-ratelimit-remaining"))).toEqual(["2", "1", "0", null, null]);
    const limited = a[3] as Response;
    expect(limited.headers.get("retry-after")).toBe(String(Math.ceil(1 / rate)));
    expect(limited.headers.get("x-ratelimit-limit")).toBeNull();
    expect(limited.headers.get("x-api-version")).toBe("v1");
    const body = (await limited.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: "RATE_LIMIT_EXCEEDED", message: "Rate limit exceeded", details: { burst, limit: rate }, retryable: true });
    expect(body["requestId"]).toBe(limited.headers.get("x-request-id"));

    const b = await from("198.51.100.2");
    expect(b.status).toBe(200);
    expect(b.headers.get("x-ratelimit-remaining")).toBe("2");
    expect((await fetch(`${s.url}/health`, { headers: { "X-Forwarded-For": "198.51.100.1" } })).status).toBe(200);
    expect((await from("198.51.100.1", "/")).status).toBe(429);
    expect(metricValue(await (await fetch(`${s.url}/metrics`)).text(), "aicr_rate_limit_rejects_total")).toBe(3);
    expect(s.logs.filter((l) => l["status"] === 429).every((l) => l["client"] === "198.51.100.1")).toBe(true);
  });

  test("without a trusted proxy, X-Forwarded-For is ignored: forged addresses share the peer's bucket", async () => {
    const u = startTestServer({ rate, burst: 2 });
    try {
      const statuses: number[] = [];
      for (const ip of ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) {
        statuses.push((await fetch(`${u.url}/`, { headers: { "X-Forwarded-For": ip } })).status);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await u.stop();
    }
  });

  test("real source addresses: 127.0.0.2 throttled, 127.0.0.3 still served", async () => {
    const u = startTestServer({ rate, burst: 2 });
    try {
      const two: number[] = [];
      for (let i = 0; i < 3; i++) two.push((await getFrom(u.port, "127.0.0.2", "/")).status);
      expect(two).toEqual([200, 200, 429]);
      expect((await getFrom(u.port, "127.0.0.3", "/")).status).toBe(200);
      expect(u.logs.filter((l) => l["msg"] === "request").map((l) => `${l["client"]} ${l["status"]}`)).toEqual([
        "127.0.0.2 200",
        "127.0.0.2 200",
        "127.0.0.2 429",
        "127.0.0.3 200",
      ]);
    } finally {
      await u.stop();
    }
  });
});
