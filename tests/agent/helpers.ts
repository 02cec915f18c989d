/** Shared helpers for the agent tests: fixture paths, one-collector snapshots, process checks. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Measurement } from "../../core/schema/snapshot.ts";
import type { Collector, Env } from "../../agent/collector.ts";
import { takeSnapshot, type CollectorStatus, type SnapshotOptions } from "../../agent/snapshot.ts";

export const REPO = resolve(import.meta.dir, "../..");
export const HOSTS = join(REPO, "tests/fixtures/hosts");
export const SMI_XML = join(REPO, "tests/fixtures/nvidia-smi");
export const host = (name: "ubuntu-24.04" | "cos" | "rhel-9" | "ubuntu-22.04") => join(HOSTS, name);
export const BUN = process.execPath;

/** An environment for collectors: this process's PATH, optionally with host directories in front. */
export function envWith(extra: Record<string, string | undefined> = {}, pathFirst: string[] = []): Env {
  const PATH = [...pathFirst, process.env["PATH"] ?? "/usr/bin:/bin"].join(":");
  return { PATH, ...extra };
}

export interface OneResult {
  measurement: Measurement | undefined;
  status: CollectorStatus;
}

/** Run one collector the way a snapshot does and return its measurement (raw, unredacted) and status. */
export async function collectOne(collector: Collector, opts: Partial<SnapshotOptions> = {}): Promise<OneResult> {
  const doc = await takeSnapshot({ noRedact: true, env: envWith(), ...opts, collectors: [collector] });
  return { measurement: doc.measurements[0], status: doc.status.collectors[0] as CollectorStatus };
}

/** Readings of subtype `name` in `m`. */
export function dataOf(m: Measurement | undefined, name: string): Record<string, unknown> {
  const s = m?.subtypes?.find((x) => x.subtype === name);
  if (!s) throw new Error(`no subtype ${name} in ${JSON.stringify(m)}`);
  return s.data ?? {};
}

/** True when `pid` no longer runs (gone, or a zombie waiting to be reaped). */
export function isDead(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/**
 * Resolves once every pid has exited. A process killed with SIGKILL closes its files (so the caller sees
 * EOF) a moment before the kernel marks it dead, hence the short wait instead of a single look.
 */
export async function expectAllDead(pids: number[]): Promise<void> {
  await waitFor(() => pids.every(isDead), `processes ${pids.join(", ")} to exit`, 10, 500);
}

/** Pids written by the hung nvidia-smi double ("<script> <helper>"). */
export const pidsIn = (file: string): number[] => readFileSync(file, "utf8").trim().split(/\s+/).map(Number);

export async function waitFor(cond: () => boolean, what: string, pollMs = 20, maxPolls = 1500): Promise<void> {
  for (let i = 0; i < maxPolls; i++) {
    if (cond()) return;
    await Bun.sleep(pollMs);
  }
  throw new Error(`gave up waiting for ${what}`);
}

export function tempDir(prefix = "aicr-agent-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const exists = existsSync;
