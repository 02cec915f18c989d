/**
 * Agent benchmarks on fixture host roots: snapshot wall time against its slowest collector (a slow
 * nvidia-smi), total time with nvidia-smi hanging past a 30 s deadline, peak RSS, and start-up against
 * a compiled hello-world.
 */
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHelloWorld, fmt, median, sideBySide } from "./harness.ts";

const root = join(import.meta.dir, "..");
const agent = join(root, "dist", "aicr-agent-linux-x64");
const fixtures = join(root, "tests", "fixtures");

function wall(cmd: string[], env: Record<string, string>): { ms: number; code: number } {
  const t0 = Bun.nanoseconds();
  const r = Bun.spawnSync({ cmd, env: { PATH: "/usr/bin:/bin", ...env }, stdout: "ignore", stderr: "ignore" });
  return { ms: (Bun.nanoseconds() - t0) / 1e6, code: r.exitCode };
}

/** Peak resident set (KiB) of one run, from GNU time. */
function peakRssKib(cmd: string[], env: Record<string, string>): number {
  const r = Bun.spawnSync({ cmd: ["/usr/bin/time", "-f", "%M", ...cmd], env: { PATH: "/usr/bin:/bin", ...env }, stdout: "ignore", stderr: "pipe" });
  const lines = r.stderr.toString().trim().split("\n");
  return Number(lines.at(-1));
}

export async function benchAgent(): Promise<void> {
  if (!(await Bun.file(agent).exists())) throw new Error("dist/aicr-agent-linux-x64 is missing: run `bun run build` first");
  const dir = mkdtempSync(join(tmpdir(), "aicr-agent-bench-"));
  try {
    // A host whose nvidia-smi answers after 2 s: the slowest collector by far.
    const host = join(dir, "host");
    cpSync(join(fixtures, "hosts", "ubuntu-24.04"), host, { recursive: true, verbatimSymlinks: true });
    const slow = join(host, "usr", "bin", "nvidia-smi");
    writeFileSync(slow, `#!/bin/sh\nsleep 2\ncat ${join(fixtures, "nvidia-smi", "h100-sxm-8gpu.xml")}\n`);
    chmodSync(slow, 0o755);
    const env = { HOME: dir, NODE_NAME: "bench-node" };
    const alone = median([1, 2, 3].map(() => wall([slow, "-q", "-x"], env).ms));
    const snap = median([1, 2, 3].map(() => wall([agent, "snapshot", "--host-root", host, "--no-cluster"], env).ms));
    console.log("agent snapshot, nvidia-smi answering after 2 s (median of 3):");
    console.log(`  slowest collector alone  ${fmt(alone)}`);
    console.log(`  whole snapshot           ${fmt(snap)}`);
    console.log(`  ratio                    ${(snap / alone).toFixed(3)}x (target <= 1.15x)`);

    const hung = wall([agent, "snapshot", "--host-root", join(fixtures, "hosts", "ubuntu-22.04"), "--no-cluster", "--timeout", "30s"], {
      ...env,
      // Looked up under the host root: the fixture host keeps a hanging nvidia-smi there.
      PATH: "/opt/nvidia-hung/bin:/usr/bin:/bin",
    });
    console.log(`agent snapshot with nvidia-smi hanging, 30 s deadline: ${(hung.ms / 1000).toFixed(2)} s, exit ${hung.code} (target <= 31 s)`);

    const rss = Math.max(...[1, 2, 3].map(() => peakRssKib([agent, "snapshot", "--host-root", join(fixtures, "hosts", "ubuntu-24.04"), "--no-cluster"], env)));
    console.log(`agent peak RSS over 3 snapshots: ${(rss / 1024).toFixed(1)} MiB (target <= 80 MiB)`);

    const hello = await buildHelloWorld(dir);
    const t = sideBySide({ hello: [hello], agent: [agent, "--version"] }, 30, dir);
    console.log(`agent start-up (--version) vs hello-world, median of 30: ${fmt(t["agent"] as number)} vs ${fmt(t["hello"] as number)} = ${((t["agent"] as number) / (t["hello"] as number)).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
