/**
 * aicrd under load: the server runs in its own process on 127.0.0.1 (`aicr serve`, the compiled
 * dist/aicr when built), and a bounded Bun client in another process drives it. Reports requests per
 * second and p50/p99 latency for cached recipe requests, uncached recipe requests (distinct node
 * counts, each resolved) and bundle requests (zip), and the server's resident memory before and after
 * 100,000 recipe requests, and after 100,000 more (growth would show there). Stops by itself.
 *
 *   bun bench/run.ts server            (or: bun bench/server.bench.ts)
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const RECIPE_REQUESTS = 100_000;
const UNCACHED_REQUESTS = 5_000;
const BUNDLE_REQUESTS = 300;
const WARMUP_REQUESTS = 2_000;
const RECIPE_CONCURRENCY = 32;
const BUNDLE_CONCURRENCY = 4;
/** Time allowed for the server to start and to stop. */
const START_STOP_TIMEOUT_MS = 30_000;

type Mode = "recipe" | "uncached" | "bundle";

interface ClientResult {
  mode: Mode;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  maxms: number;
}

const services = ["eks", "gke", "aks", "oke", "kind"];
const accelerators = ["h100", "gb200", "b200", "a100", "l40"];
const intents = ["training", "inference"];

function recipeUrls(base: string): string[] {
  const urls: string[] = [];
  for (const s of services) for (const a of accelerators) for (const i of intents) urls.push(`${base}/v1/recipe?service=${s}&accelerator=${a}&intent=${i}`);
  return urls;
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

/** The client process: `count` requests with `concurrency` workers, one JSON line of figures on stdout. */
async function client(base: string, mode: Mode, count: number, concurrency: number): Promise<void> {
  const urls = recipeUrls(base);
  const bundleBody = readFileSync(join(root, "tests", "fixtures", "bundle", "recipes", "eks-h100-ubuntu-training-kubeflow.yaml"), "utf8");
  const latencies = new Float64Array(count);
  let next = 0;
  let errors = 0;
  const one = async (i: number) => {
    const t0 = performance.now();
    let res: Response;
    if (mode === "bundle") {
      res = await fetch(`${base}/v1/bundle`, { method: "POST", body: bundleBody, headers: { "Content-Type": "application/yaml" } });
    } else if (mode === "uncached") {
      res = await fetch(`${urls[i % urls.length]}&nodes=${i + 1}`);
    } else {
      res = await fetch(urls[i % urls.length] as string);
    }
    await res.arrayBuffer();
    if (res.status !== 200) errors++;
    latencies[i] = performance.now() - t0;
  };
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await one(i);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const sorted = latencies.slice().sort();
  const result: ClientResult = {
    mode,
    requests: count,
    errors,
    seconds,
    rps: count / seconds,
    p50ms: percentile(sorted, 50),
    p99ms: percentile(sorted, 99),
    maxms: sorted[sorted.length - 1] as number,
  };
  await Bun.write(Bun.stdout, `${JSON.stringify(result)}\n`);
}

/** Resident set size of a process, from /proc (bytes). */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

async function runClient(base: string, mode: Mode, count: number, concurrency: number): Promise<ClientResult> {
  const p = Bun.spawn([process.execPath, import.meta.path, "client", base, mode, String(count), String(concurrency)], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(p.stdout).text();
  if ((await p.exited) !== 0) throw new Error(`bench client (${mode}) failed`);
  return JSON.parse(out) as ClientResult;
}

async function startServer(): Promise<{ proc: Bun.Subprocess<"ignore", "ignore", "pipe">; base: string; binary: string }> {
  // AICR_BENCH_AICR names another build of the CLI to measure.
  const compiled = Bun.env["AICR_BENCH_AICR"] ?? join(root, "dist", "aicr");
  const cmd = existsSync(compiled) ? [compiled] : [process.execPath, join(root, "cli", "main.ts")];
  const args = ["serve", "--host", "127.0.0.1", "--port", "0", "--access-log=false", "--rate", "1000000000", "--burst", "1000000000"];
  const proc = Bun.spawn([...cmd, ...args], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const reader = proc.stderr.getReader();
  let text = "";
  const deadline = Date.now() + START_STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const m = /"msg":"listening","url":"([^"]+)"/.exec(text);
    if (m) {
      // Keep draining stderr so the server never blocks on it.
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return { proc, base: m[1] as string, binary: existsSync(compiled) ? compiled : "bun cli/main.ts" };
    }
  }
  proc.kill();
  throw new Error(`aicr serve did not start: ${text}`);
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const line = (r: ClientResult) =>
  `${r.requests.toLocaleString("en-US")} requests, ${r.errors} errors: ${Math.round(r.rps).toLocaleString("en-US")} req/s, p50 ${r.p50ms.toFixed(2)} ms, p99 ${r.p99ms.toFixed(2)} ms, max ${r.maxms.toFixed(1)} ms`;

export async function benchServer(): Promise<void> {
  const { proc, base, binary } = await startServer();
  try {
    console.log(`aicrd (${binary}) on ${base}, client in a second process:`);
    await runClient(base, "recipe", WARMUP_REQUESTS, RECIPE_CONCURRENCY);
    const before = rssOf(proc.pid);
    const recipe = await runClient(base, "recipe", RECIPE_REQUESTS, RECIPE_CONCURRENCY);
    const after = rssOf(proc.pid);
    const again = await runClient(base, "recipe", RECIPE_REQUESTS, RECIPE_CONCURRENCY);
    const afterAgain = rssOf(proc.pid);
    const uncached = await runClient(base, "uncached", UNCACHED_REQUESTS, RECIPE_CONCURRENCY);
    const bundle = await runClient(base, "bundle", BUNDLE_REQUESTS, BUNDLE_CONCURRENCY);
    const afterAll = rssOf(proc.pid);
    console.log(`  recipe (GET, ${recipeUrls(base).length} criteria, cached), concurrency ${RECIPE_CONCURRENCY}: ${line(recipe)}`);
    console.log(`  recipe again:                                      ${line(again)}`);
    console.log(`  recipe uncached (distinct nodes), concurrency ${RECIPE_CONCURRENCY}: ${line(uncached)}`);
    console.log(`  bundle (POST, zip, 70+ files), concurrency ${BUNDLE_CONCURRENCY}: ${line(bundle)}`);
    console.log(`  server RSS: after warm-up ${mib(before)}, after ${RECIPE_REQUESTS.toLocaleString("en-US")} recipe requests ${mib(after)}, after ${(2 * RECIPE_REQUESTS).toLocaleString("en-US")} ${mib(afterAgain)}, after uncached and bundles ${mib(afterAll)}`);
    console.log(`  growth over the second ${RECIPE_REQUESTS.toLocaleString("en-US")}: ${mib(afterAgain - after)}`);
  } finally {
    proc.kill("SIGTERM");
    const code = await Promise.race([proc.exited, Bun.sleep(START_STOP_TIMEOUT_MS).then(() => "timeout")]);
    if (code !== 0) {
      proc.kill("SIGKILL");
      console.log(`  server did not stop cleanly on SIGTERM (${code})`);
    } else console.log("  server stopped on SIGTERM, exit 0");
  }
}

if (import.meta.main) {
  const [cmd, base, mode, count, concurrency] = Bun.argv.slice(2);
  if (cmd === "client") await client(base as string, mode as Mode, Number(count), Number(concurrency));
  else await benchServer();
}
