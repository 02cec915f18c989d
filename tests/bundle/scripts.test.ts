/** Every generated shell script passes `bash -n` and `shellcheck`. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { FileTree } from "../../core/bundle/file-tree.ts";
import { bundleOf, goldenCases, loadRecipe, removeDir, tempDir, writeBundle, SPAWNING_TEST_TIMEOUT_MS } from "./helpers.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const SHELLCHECK = "/usr/bin/shellcheck";
const root = tempDir("aicr-scripts-");
afterAll(() => removeDir(root));

const variants: [string, FileTree][] = [
  ["training", bundleOf(loadRecipe(goldenCases.training)).tree],
  ["inference", bundleOf(loadRecipe(goldenCases.inference)).tree],
  [
    "inference with dynamic values and every option",
    bundleOf(loadRecipe(goldenCases.inference), {
      dynamic: ["gpuoperator:driver.version"],
      set: ["kgateway:replicaCount=2"],
      storageClass: "it's-quoted",
      nodes: 3,
      workloadGate: "skyhook.nvidia.com=runtime-required:NoSchedule",
    }).tree,
  ],
];

describe("generated scripts", () => {
  for (const [name, tree] of variants) {
    const dir = writeBundle(tree, join(root, name.replace(/\W+/g, "-")));
    const scripts = [...tree.entries()].filter(([p]) => p.endsWith(".sh")).map(([p, f]) => [join(dir, p), f.mode] as const);

    test(`${name}: deploy.sh, undeploy.sh and every install.sh are executable`, () => {
      expect(scripts.map(([p]) => p.slice(dir.length + 1)).filter((p) => !p.includes("/"))).toEqual(["deploy.sh", "undeploy.sh"]);
      expect(scripts.length).toBeGreaterThan(10);
      for (const [p, mode] of scripts) expect(mode, p).toBe(0o755);
    });

    test(`${name}: bash -n`, () => {
      for (const [p] of scripts) {
        const r = Bun.spawnSync(["bash", "-n", p]);
        expect(r.exitCode, `${p}: ${r.stderr.toString()}`).toBe(0);
      }
    });

    test(`${name}: shellcheck`, () => {
      const r = Bun.spawnSync([SHELLCHECK, "-s", "bash", "-S", "style", ...scripts.map(([p]) => p)]);
      expect(r.exitCode, r.stdout.toString()).toBe(0);
    });

    test(`${name}: upstream.env is shell-safe to source`, () => {
      for (const [p, f] of tree) {
        if (!p.endsWith("/upstream.env")) continue;
        expect(f.content).toMatch(/^CHART='[^\n]*'\nREPO='[^\n]*'\nVERSION='[^\n]*'\n$/);
        const r = Bun.spawnSync(["bash", "-c", `set -u; source "${join(dir, p)}"; printf '%s|%s|%s' "$CHART" "$REPO" "$VERSION"`]);
        expect(r.exitCode).toBe(0);
        expect(r.stdout.toString().split("|")).toHaveLength(3);
      }
    });
  }
});
