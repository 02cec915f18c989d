/**
 * `aicr serve` as a process: it announces where it listens (structured JSON logs), refuses bad flags
 * and environment with one line and an exit code, and on SIGTERM or SIGINT stops accepting
 * connections, lets the request in flight finish, and exits 0.
 */
import { afterEach, describe, expect, test } from "bun:test";
import net from "node:net";
import { join } from "node:path";
import { BUN, REPO } from "../cli/helpers.ts";
import { metricValue, parseRaw, until } from "./helpers.ts";

interface Served {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  port: number;
  lines: Record<string, unknown>[];
  stderr: () => string;
}

const running: Served[] = [];
afterEach(() => {
  for (const s of running.splice(0)) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
});

const env = (extra: Record<string, string> = {}) => {
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AICR_") && k !== "PORT") e[k] = v;
  return { ...e, NO_COLOR: "1", ...extra };
};

/** Start `aicr serve` and wait for its "listening" line. */
async function serve(args: string[], extraEnv: Record<string, string> = {}): Promise<Served> {
  const proc = Bun.spawn([BUN, join(REPO, "cli", "main.ts"), "serve", "--host", "127.0.0.1", ...args], { cwd: REPO, env: env(extraEnv), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let text = "";
  const lines: Record<string, unknown>[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) {
      text += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = text.indexOf("\n")) >= 0) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 1);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
    }
  })();
  await until(() => lines.some((l) => l["msg"] === "listening") || proc.exitCode !== null, "the server to listen");
  const listening = lines.find((l) => l["msg"] === "listening");
  if (!listening) throw new Error(`aicr serve did not start: ${JSON.stringify(lines)} ${text}`);
  const url = String(listening["url"]);
  const served = { proc, url, port: Number(new URL(url).port), lines, stderr: () => text };
  running.push(served);
  return served;
}

function run(args: string[], extraEnv: Record<string, string> = {}) {
  const p = Bun.spawnSync([BUN, join(REPO, "cli", "main.ts"), "serve", "--host", "127.0.0.1", ...args], { cwd: REPO, env: env(extraEnv), stdin: "ignore", timeout: 30_000 });
  return { code: p.exitCode, stdout: p.stdout.toString(), lines: p.stderr.toString().trim().split("\n") };
}

describe("aicr serve", () => {
  test(
    "SIGTERM: readiness off, no new connections, the request in flight completes, exit 0",
    async () => {
      const s = await serve(["--port", "0"]);
      expect((await fetch(`${s.url}/ready`)).status).toBe(200);
      const body = JSON.stringify({ kind: "RecipeCriteria", spec: { service: "eks", accelerator: "h100", intent: "training" } });
      const half = Math.floor(body.length / 2);

      // A request whose body arrives in two parts, with SIGTERM in between.
      let received = "";
      const sock = net.connect({ host: "127.0.0.1", port: s.port });
      sock.on("data", (d) => (received += d.toString()));
      const closed = new Promise<void>((resolve) => sock.on("close", () => resolve()));
      sock.write(`POST /v1/recipe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
      await until(async () => metricValue(await (await fetch(`${s.url}/metrics`)).text(), "aicr_http_requests_in_flight") === 1, "the request to be in flight");

      s.proc.kill("SIGTERM");
      await until(() => s.lines.some((l) => l["msg"] === "shutting down"), "shutdown to begin");
      expect(s.lines.find((l) => l["msg"] === "shutting down")).toMatchObject({ level: "INFO", reason: "SIGTERM", inFlight: 1 });
      // The listener is closed: a new connection is refused while the old request is still open.
      await expect(fetch(`${s.url}/health`)).rejects.toThrow();
      expect(s.proc.exitCode).toBeNull();

      sock.write(body.slice(half));
      await closed;
      const res = parseRaw(received);
      expect(res.status).toBe(200);
      expect(res.headers["connection"]).toBe("close");
      expect((JSON.parse(res.body) as { kind: string }).kind).toBe("RecipeResult");
      expect(await s.proc.exited).toBe(0);
      const msgs = s.lines.map((l) => l["msg"]);
      expect(msgs.indexOf("request")).toBeGreaterThan(msgs.indexOf("shutting down"));
      expect(msgs.at(-1)).toBe("stopped");
      const access = s.lines.find((l) => l["msg"] === "request" && l["path"] === "/v1/recipe");
      expect(access).toMatchObject({ level: "INFO", method: "POST", route: "/v1/recipe", status: 200, client: "127.0.0.1", bytesIn: body.length });
      expect(typeof access?.["durationMs"]).toBe("number");
      expect(String(access?.["requestId"])).toMatch(/^[0-9a-f-]{36}$/);
    },
    60_000,
  );

  test(
    "SIGINT with nothing in flight: exit 0 at once; PORT from the environment; allow-lists from the environment",
    async () => {
      const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
      const port = probe.port as number;
      await probe.stop(true);
      const s = await serve(["--access-log=false"], { PORT: `${port}abc`, AICR_ALLOWED_ACCELERATORS: "h100" });
      expect(s.port).toBe(port);
      expect(s.lines[0]).toMatchObject({ msg: "listening", allowlists: { accelerator: ["h100"] } });
      const r = await fetch(`${s.url}/v1/recipe?accelerator=gb200`);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { message: string }).message).toBe("accelerator type not allowed");
      s.proc.kill("SIGINT");
      expect(await s.proc.exited).toBe(0);
      expect(s.lines.some((l) => l["msg"] === "request")).toBe(false);
    },
    60_000,
  );

  test("bad flags and environment: one line, an exit code, nothing served", async () => {
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [["--max-body", "0"], {}, 2, /invalid value for --max-body: "0"/],
      [["--max-body", "lots"], {}, 2, /invalid value for --max-body: "lots"/],
      [["--rate", "fast"], {}, 1, /invalid value for --rate: "fast" \(expected an integer\)/],
      [["--burst", "0"], {}, 2, /invalid value for --burst: "0" \(must be a positive integer\)/],
      [["--request-timeout", "5"], {}, 2, /invalid value for --request-timeout: "5"/],
      [["--shutdown-timeout", "0s"], {}, 2, /invalid value for --shutdown-timeout: "0s" \(must be more than 0\)/],
      [["--port", "70000"], {}, 2, /invalid value for --port: "70000"/],
      [["--nope"], {}, 1, /unknown flag: --nope/],
      [[], { AICR_ALLOWED_ACCELERATORS: "h100,v100" }, 8, /failed to parse allowlists from environment: \[INVALID_REQUEST\] invalid AICR_ALLOWED_ACCELERATORS: invalid accelerator type: "v100"/],
    ];
    for (const [args, extra, code, message] of cases) {
      const r = run(args.includes("--port") ? args : ["--port", "0", ...args], extra);
      expect(r.lines.length, r.lines.join("\n")).toBe(1);
      expect(r.lines[0]).toMatch(message);
      expect(r.code, r.lines[0]).toBe(code);
      expect(r.stdout).toBe("");
    }
  });

  test(
    "a port already in use is one clear line",
    async () => {
      const s = await serve(["--port", "0"]);
      const r = run(["--port", String(s.port)]);
      expect(r.lines).toEqual([expect.stringMatching(/cannot listen on 127\.0\.0\.1:\d+: address already in use/)]);
      expect(r.code).toBe(8);
      s.proc.kill("SIGTERM");
      expect(await s.proc.exited).toBe(0);
    },
    60_000,
  );
});
