/**
 * Bundle benchmark: the compiled CLI bundling the largest recipe (16 components) with each deployer,
 * against a compiled hello-world side by side.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildHelloWorld, fmt, sideBySide } from "./harness.ts";

const root = join(import.meta.dir, "..");
const aicr = join(root, "dist", "aicr");
const deployers = ["helm", "helmfile", "flux", "argocd", "argocd-helm"] as const;

export async function benchBundle(runs = 20): Promise<void> {
  if (!(await Bun.file(aicr).exists())) throw new Error("dist/aicr is missing: run `bun run build` first");
  const dir = mkdtempSync(join(tmpdir(), "aicr-bundle-bench-"));
  try {
    const recipe = join(dir, "recipe.yaml");
    const args = ["recipe", "--service", "eks", "--accelerator", "gb200", "--os", "ubuntu", "--intent", "inference", "--platform", "dynamo", "-o", recipe];
    const r = Bun.spawnSync({ cmd: [aicr, ...args], stdout: "ignore", stderr: "ignore" });
    if (r.exitCode !== 0) throw new Error("cannot write the benchmark recipe");
    const hello = await buildHelloWorld(dir);
    const cmds: Record<string, string[]> = { hello: [hello] };
    for (const d of deployers) {
      // Each run replaces the bundle written by the previous one (same directory).
      cmds[d] = [aicr, "bundle", "-r", recipe, "-o", join(dir, `out-${d}`), "--deployer", d, "--repo", "https://git.example.com/gpu.git"];
    }
    const t = sideBySide(cmds, runs, dir);
    const h = t["hello"] as number;
    console.log(`compiled bundle of gb200-eks-ubuntu-inference-dynamo (16 components), median of ${runs} runs; hello-world ${fmt(h)}:`);
    for (const d of deployers) console.log(`  ${d.padEnd(12)} ${fmt(t[d] as number)}  ${((t[d] as number) / h).toFixed(2)}x (target <= 5x)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
