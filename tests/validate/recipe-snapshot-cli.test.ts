/**
 * `aicr recipe --snapshot` and `aicr query --snapshot` (spawned CLI): criteria detected from the
 * snapshot, flag overrides, constraint-aware filtering in the output, files and http(s) URLs, and
 * the exit codes of §12.2 for a snapshot that cannot be used.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { aicr, BUN, expectFailure, REPO, removeDir, tempDir } from "../cli/helpers.ts";
import { formatRecipe } from "../../core/recipe/render.ts";
import { expectValidReport, resolveLeaf, SNAPSHOTS } from "./helpers.ts";

/** Tests that spawn the CLI get a generous ceiling (bun's default is 5 s per test). */
const spawnTest = (name: string, fn: () => unknown) => test(name, fn as () => void, 60_000);

const tmp = tempDir("aicr-recipe-snapshot-");
afterAll(() => removeDir(tmp));
const snap = (name: string) => join(SNAPSHOTS, name);

describe("recipe --snapshot", () => {
  spawnTest("the aks v1.32.0 example: aks excluded but merged as an ancestor; warnings in the output and on stderr", () => {
    // The fixture also detects H100 and Ubuntu, so the H100 AKS overlays (>= 1.32.4) are candidates and excluded too.
    const r = aicr(["recipe", "-s", snap("aks-v1.32.0.yaml"), "--service", "aks", "--intent", "training", "-t", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.metadata.appliedOverlays).toEqual(["base", "monitoring-hpa", "aks", "aks-training"]);
    expect(doc.metadata.excludedOverlays).toEqual(["aks", "h100-aks-training", "h100-aks-ubuntu-training"]);
    expect(doc.metadata.constraintWarnings).toEqual([
      { overlay: "aks", constraint: "K8s.server.version", expected: ">= 1.34", actual: "v1.32.0", reason: "expected >= 1.34, got v1.32.0" },
      { overlay: "h100-aks-training", constraint: "K8s.server.version", expected: ">= 1.32.4", actual: "v1.32.0", reason: "expected >= 1.32.4, got v1.32.0" },
      { overlay: "h100-aks-ubuntu-training", constraint: "K8s.server.version", expected: ">= 1.32.4", actual: "v1.32.0", reason: "expected >= 1.32.4, got v1.32.0" },
    ]);
    expect(doc.criteria).toMatchObject({ service: "aks", accelerator: "h100", os: "ubuntu", intent: "training" });
    expect(doc.constraints).toEqual([{ name: "K8s.server.version", value: ">= 1.30" }]);
    expect(r.stderr).toContain("overlay aks excluded: K8s.server.version: expected >= 1.34, got v1.32.0");
    expect(r.stderr).toContain("warning: 3 matching overlay(s) excluded by snapshot constraints: aks, h100-aks-training, h100-aks-ubuntu-training");
  });

  spawnTest("the aks v1.32.0 example exactly as the spec gives it (accelerator and os left any)", () => {
    const r = aicr(["recipe", "-s", snap("aks-v1.32.0.yaml"), "--service", "aks", "--intent", "training", "--accelerator", "any", "--os", "any", "-t", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.metadata.appliedOverlays).toEqual(["base", "monitoring-hpa", "aks", "aks-training"]);
    expect(doc.metadata.excludedOverlays).toEqual(["aks"]);
  });

  spawnTest("detected criteria plus flags give the same recipe as the flags alone when nothing is excluded", () => {
    const fromSnap = aicr(["recipe", "--snapshot", snap("eks-h100-ubuntu.yaml"), "--intent", "training", "--platform", "kubeflow"]);
    const fromFlags = aicr(["recipe", "--service", "eks", "--accelerator", "h100", "--os", "ubuntu", "--intent", "training", "--platform", "kubeflow"]);
    expect(fromSnap.code, fromSnap.stderr).toBe(0);
    expect(fromSnap.stdout).toBe(fromFlags.stdout);
    expect(fromSnap.stdout).toContain("    - h100-eks-ubuntu-training-kubeflow\n");
    expect(fromSnap.stdout).not.toContain("excludedOverlays");
  });

  spawnTest("a flag overrides a detected value (logged); --snapshot wins over --criteria", () => {
    const criteria = join(tmp, "criteria.yaml");
    writeFileSync(criteria, "kind: RecipeCriteria\napiVersion: aicr.nvidia.com/v1alpha1\nspec:\n  service: gke\n");
    const r = aicr(["recipe", "-s", snap("eks-h100-ubuntu.yaml"), "--criteria", criteria, "--accelerator", "gb200", "-t", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).criteria).toMatchObject({ service: "eks", accelerator: "gb200", os: "ubuntu" });
    expect(r.stderr).toContain("--accelerator overrides the accelerator detected in the snapshot detected=h100 value=gb200");
    expect(r.stderr).toContain("--snapshot takes precedence: --criteria");
  });

  spawnTest("a snapshot that detects nothing is fine (no 'no criteria' error): base plus the all-any overlay", () => {
    const r = aicr(["recipe", "-s", snap("kind-h100.yaml"), "-t", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).metadata.appliedOverlays).toEqual(["base", "monitoring-hpa"]);
  });

  spawnTest("query --snapshot: detected criteria reach the hydrated document", () => {
    const r = aicr(["query", "-s", snap("gke-cos.yaml"), "--selector", "criteria.service"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("gke\n");
  });

  const failures: [string, string[], number, number, string | RegExp][] = [
    // what, args, exit for recipe, exit for query, message
    ["snapshot not found", ["-s", join(tmp, "none.yaml")], 8, 8, /failed to load snapshot from .*none\.yaml: \[NOT_FOUND\] snapshot file not found/],
    ["a recipe given as the snapshot", ["-s", join(REPO, "recipes", "overlays", "eks.yaml")], 8, 8, /eks\.yaml is a recipe overlay \(kind RecipeMetadata\), not a Snapshot/],
    ["a cm:// snapshot with no cluster configured", ["-s", "cm://gpu-operator/aicr-snapshot"], 8, 8, "no Kubernetes cluster configured"],
    ["an invalid flag value in snapshot mode", ["-s", snap("eks-h100-ubuntu.yaml"), "--intent", "serving"], 8, 2, 'invalid intent type: "serving"'],
  ];
  for (const [what, args, recipeCode, queryCode, message] of failures) {
    spawnTest(`${what}: recipe exit ${recipeCode}, query exit ${queryCode}`, () => {
      expectFailure(aicr(["recipe", ...args]), recipeCode, message);
      expectFailure(aicr(["query", ...args, "--selector", "criteria"]), queryCode, message);
    });
  }
});

describe("snapshot and recipe over http(s)", () => {
  const recipeText = formatRecipe(resolveLeaf("h100-eks-ubuntu-training-kubeflow").result, "yaml");
  let server: ReturnType<typeof Bun.serve> | undefined;
  let base = "";
  beforeAll(() => {
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        const path = new URL(req.url).pathname;
        if (path === "/snap.yaml") return new Response(readFileSync(snap("eks-h100-ubuntu.yaml"), "utf8"));
        if (path === "/recipe.yaml") return new Response(recipeText);
        return new Response("not here", { status: 404 });
      },
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server?.stop(true));

  /** Spawn without blocking, so this process's server can answer the CLI. */
  const run = async (args: string[]) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AICR_")));
    const p = Bun.spawn([BUN, join(REPO, "cli", "main.ts"), ...args], { cwd: REPO, env: { ...env, NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { stdout, stderr, code };
  };

  spawnTest("recipe -s URL: format from the URL path's suffix, query string ignored", async () => {
    const rec = await run(["recipe", "-s", `${base}/snap.yaml?x=1`, "--intent", "training", "-t", "json"]);
    expect(rec.code, rec.stderr).toBe(0);
    expect(JSON.parse(rec.stdout).criteria).toMatchObject({ service: "eks", accelerator: "h100", os: "ubuntu" });
  });

  spawnTest("validate -r URL -s URL", async () => {
    const val = await run(["validate", "-r", `${base}/recipe.yaml`, "-s", `${base}/snap.yaml`, "--no-cluster"]);
    expect(val.code, val.stderr).toBe(0);
    expectValidReport(JSON.parse(val.stdout));
  });

  spawnTest("a URL that answers 404: exit 8, one line, nothing on stdout", async () => {
    const missing = await run(["validate", "-r", `${base}/recipe.yaml`, "-s", `${base}/gone.yaml`, "--no-cluster"]);
    expectFailure(missing, 8, `failed to load snapshot from ${base}/gone.yaml: [SERVICE_UNAVAILABLE] cannot fetch snapshot file ${base}/gone.yaml: HTTP 404`);
  });
});

describe("the config file's spec.recipe.input.snapshot", () => {
  spawnTest("is read like --snapshot; an explicit --snapshot wins over it", () => {
    const cfg = join(tmp, "config.yaml");
    writeFileSync(
      cfg,
      `kind: AICRConfig\napiVersion: aicr.nvidia.com/v1alpha1\nspec:\n  recipe:\n    input:\n      snapshot: ${snap("gke-cos.yaml")}\n`,
    );
    const fromConfig = aicr(["recipe", "--config", cfg, "-t", "json"]);
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    expect(JSON.parse(fromConfig.stdout).criteria).toMatchObject({ service: "gke", accelerator: "h100", os: "cos" });
    const flagWins = aicr(["recipe", "--config", cfg, "-s", snap("eks-h100-ubuntu.yaml"), "-t", "json"]);
    expect(JSON.parse(flagWins.stdout).criteria).toMatchObject({ service: "eks", os: "ubuntu" });
  });
});
