/** Helpers for the aicrd tests: an in-process server on a free loopback port, raw HTTP, fixtures. */
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { VERSION } from "../../core/version.ts";
import { DEFAULT_BURST, DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE, type ServerConfig } from "../../cli/server/config.ts";
import { startServer, type RunningServer } from "../../cli/server/server.ts";

export interface TestServer {
  url: string;
  port: number;
  server: RunningServer;
  /** Structured log lines written so far, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export function testConfig(over: Partial<ServerConfig> = {}, logs: Record<string, unknown>[] = []): ServerConfig {
  return {
    host: "127.0.0.1",
    port: 0,
    store: embeddedStore(),
    dataFiles: [],
    version: VERSION,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    rate: DEFAULT_RATE,
    burst: DEFAULT_BURST,
    shutdownTimeoutMs: 5_000,
    trustedProxies: [],
    allowlists: {},
    accessLog: true,
    logLine: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
    ...over,
  };
}

/** A server on a free loopback port; `adjust` may change the configuration before it starts. */
export function startTestServer(over: Partial<ServerConfig> = {}, adjust: (c: ServerConfig) => void = () => {}): TestServer {
  const logs: Record<string, unknown>[] = [];
  const config = testConfig(over, logs);
  adjust(config);
  const server = startServer(config);
  return { url: server.url, port: server.port, server, logs, stop: () => server.shutdown("test done") };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parse the first HTTP/1.1 response in `text` (Content-Length or chunked body). */
export function parseRaw(text: string): RawResponse {
  const end = text.indexOf("\r\n\r\n");
  const head = end >= 0 ? text.slice(0, end) : text;
  const [statusLine, ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = end >= 0 ? text.slice(end + 4) : "";
  if (headers["transfer-encoding"] === "chunked") {
    let out = "";
    let rest = body;
    for (;;) {
      const nl = rest.indexOf("\r\n");
      if (nl < 0) break;
      const size = parseInt(rest.slice(0, nl), 16);
      if (!(size > 0)) break;
      out += rest.slice(nl + 2, nl + 2 + size);
      rest = rest.slice(nl + 2 + size + 2);
    }
    body = out;
  } else if (headers["content-length"] !== undefined) {
    body = body.slice(0, Number(headers["content-length"]));
  }
  return { status: Number(statusLine?.split(" ")[1]), headers, body };
}

/**
 * A raw HTTP exchange: write `parts` in order (awaiting each `pause` promise between them), then
 * collect everything the server sends until it has sent a whole response or closes.
 */
export async function rawExchange(port: number, parts: (string | Promise<unknown>)[]): Promise<RawResponse> {
  let received = "";
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const complete = () => {
    const end = received.indexOf("\r\n\r\n");
    if (end < 0) return false;
    const r = parseRaw(received);
    const cl = r.headers["content-length"];
    if (cl !== undefined) return Buffer.byteLength(received.slice(end + 4)) >= Number(cl);
    return received.endsWith("0\r\n\r\n");
  };
  const socket = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_s, data) {
        received += data.toString();
        if (complete()) done();
      },
      close() {
        done();
      },
      error() {
        done();
      },
    },
  });
  for (const p of parts) {
    if (typeof p === "string") socket.write(p);
    else await p;
  }
  await finished;
  socket.end();
  return parseRaw(received);
}

/** Wait until `cond` holds, polling (gives up with an error after about 10 s). */
export async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    await Bun.sleep(10);
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A metric's value in Prometheus text (sum over series whose labels contain `labels`). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const l = m[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
