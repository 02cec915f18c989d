/**
 * Recipe benchmarks: the compiled CLI against a compiled hello-world (start-up floor), and in-process
 * resolution of every leaf recipe of the embedded catalogue.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedStore } from "../core/catalogue/embedded.ts";
import { anyCriteria, applyCriteria } from "../core/recipe/criteria.ts";
import { formatRecipe } from "../core/recipe/render.ts";
import { resolveRecipe } from "../core/recipe/resolve.ts";
import { buildHelloWorld, fmt, median, sideBySide } from "./harness.ts";

const root = join(import.meta.dir, "..");
const aicr = join(root, "dist", "aicr");

export async function benchRecipe(runs = 40): Promise<void> {
  if (!(await Bun.file(aicr).exists())) throw new Error("dist/aicr is missing: run `bun run build` first");
  const dir = mkdtempSync(join(tmpdir(), "aicr-bench-"));
  try {
    const hello = await buildHelloWorld(dir);
    const args = ["recipe", "--service", "eks", "--accelerator", "h100", "--os", "ubuntu", "--intent", "training", "--platform", "kubeflow"];
    const t = sideBySide({ hello: [hello], aicr: [aicr, ...args] }, runs, dir);
    console.log(`compiled recipe (h100-eks-ubuntu-training-kubeflow), median of ${runs} runs:`);
    console.log(`  hello-world  ${fmt(t["hello"] as number)}`);
    console.log(`  aicr recipe  ${fmt(t["aicr"] as number)}`);
    console.log(`  ratio        ${((t["aicr"] as number) / (t["hello"] as number)).toFixed(2)}x (target <= 3x)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const store = embeddedStore();
  const leaves = [...store.overlays.values()].filter(
    (o) => o.doc.spec?.criteria && ![...store.overlays.values()].some((p) => p.doc.spec?.base === o.name),
  );
  const per: number[] = [];
  for (let round = 0; round < 50; round++) {
    for (const leaf of leaves) {
      const c = leaf.doc.spec?.criteria ?? {};
      const criteria = applyCriteria(anyCriteria(), { ...c, nodes: c.nodes ?? 0 });
      const t0 = Bun.nanoseconds();
      const r = resolveRecipe(store, criteria);
      formatRecipe(r.result, "yaml");
      per.push((Bun.nanoseconds() - t0) / 1e6);
    }
  }
  console.log(`in-process resolve + YAML of each of ${leaves.length} leaves x 50 rounds: median ${fmt(median(per))} per recipe`);
}
