/**
 * `aicr diff` as a user runs it: snapshots, recipes and a fleet; YAML (default), JSON and table output;
 * positional arguments and --baseline/--target; --fail-on-drift (output first, then exit 2); cm://
 * sources and destinations; and each bad input as one error line with its exit code.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { readConfigMapDocument, writeConfigMapDocument } from "../../agent/kube/configmap.ts";
import { stringifyYaml } from "../../core/yaml.ts";
import { VERSION } from "../../core/version.ts";
import { aicr, expectFailure, REPO, removeDir, tempDir } from "../cli/helpers.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";
import { baselineReadings, snapshotOf } from "./helpers.ts";

const tmp = tempDir("aicr-diff-cli-");
const BEFORE = join(tmp, "before.yaml");
const AFTER = join(tmp, "after.json");
const FLEET = join(REPO, "tests", "fixtures", "fleet", "h100-fleet.yaml");
const TRAINING = join(tmp, "training.yaml");
const INFERENCE = join(tmp, "inference.yaml");

beforeAll(() => {
  writeFileSync(BEFORE, stringifyYaml(snapshotOf(baselineReadings)));
  const after: Record<string, unknown> = { ...baselineReadings, "GPU|smi|driver": "570.86.15", "OS|kmod|zfs": true };
  delete after["K8s|image|pause"];
  writeFileSync(AFTER, JSON.stringify(snapshotOf(after)));
  const leaf = ["--service", "eks", "--accelerator", "h100", "--os", "ubuntu"];
  expect(aicr(["recipe", ...leaf, "--intent", "training", "--platform", "kubeflow", "-o", TRAINING]).code).toBe(0);
  expect(aicr(["recipe", ...leaf, "--intent", "inference", "--platform", "dynamo", "-o", INFERENCE]).code).toBe(0);
});
afterAll(() => removeDir(tmp));

const stderrLines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");

describe("snapshot against snapshot", () => {
  test("YAML by default, upstream's document shape, one summary line on stderr", () => {
    const r = aicr(["diff", BEFORE, AFTER]);
    expect(r.code).toBe(0);
    const doc = parse(r.stdout);
    expect(Object.keys(doc)).toEqual(["baselineSource", "targetSource", "changes", "summary", "areas"]);
    expect(doc.baselineSource).toBe(BEFORE);
    expect(doc.changes).toEqual([
      { kind: "modified", severity: "info", path: "GPU.smi.driver", area: "driver", baseline: "580.95.05", target: "570.86.15" },
      { kind: "removed", severity: "info", path: "K8s.image.pause", area: "images", baseline: "3.9" },
      { kind: "added", severity: "info", path: "OS.kmod.zfs", area: "modules", target: "true" },
    ]);
    expect(doc.summary).toEqual({ added: 1, removed: 1, modified: 1, total: 3 });
    expect(stderrLines(r.stderr)).toEqual(["snapshot diff: 3 changes (1 added, 1 removed, 1 modified); by area: driver 1, modules 1, images 1"]);
  });

  test("--baseline/-b and --target give the same result as positional arguments", () => {
    const a = aicr(["diff", BEFORE, AFTER, "-t", "json"]);
    const b = aicr(["diff", "-b", BEFORE, "--target", AFTER, "--format", "json"]);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(JSON.parse(b.stdout).summary.total).toBe(3);
  });

  test("-t table for people", () => {
    const r = aicr(["diff", BEFORE, AFTER, "-t", "table"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 4)).toEqual([
      "CHANGES (1 added, 1 removed, 1 modified)",
      "by area: driver 1, modules 1, images 1",
      "KIND      PATH             BASELINE   TARGET",
      "----      ----             --------   ------",
    ]);
    expect(r.stdout.endsWith("\n\nDRIFT DETECTED\n")).toBe(true);
  });

  test("--fail-on-drift: the output is written first, then CONFLICT, exit 2", () => {
    const out = join(tmp, "drift.yaml");
    const r = aicr(["diff", BEFORE, AFTER, "--fail-on-drift", "-o", out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(stderrLines(r.stderr).at(-1)).toBe("error: [CONFLICT] drift detected: 3 change(s) found");
    expect(parse(readFileSync(out, "utf8")).summary.total).toBe(3);
  });

  test("--fail-on-drift without drift exits 0", () => {
    const r = aicr(["diff", BEFORE, BEFORE, "--fail-on-drift", "-t", "table"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("NO CHANGES\n");
    expect(stderrLines(r.stderr)).toEqual(["snapshot diff: no changes"]);
  });
});

describe("recipe against recipe", () => {
  test("training vs inference: 5 components swapped, 44 values changed", () => {
    const r = aicr(["diff", TRAINING, INFERENCE, "-t", "json"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout).summary;
    expect({ swapped: s.componentsSwapped, values: s.valuesChanged, leaves: s.valueLeavesChanged, constraints: s.constraintsChanged }).toEqual({
      swapped: 5,
      values: 44,
      leaves: 43,
      constraints: 1,
    });
    expect(r.stderr).toContain("5 components swapped, 44 values changed, 0 versions changed");
  });

  test("--fail-on-drift on differing recipes exits 2", () => {
    const r = aicr(["diff", TRAINING, INFERENCE, "--fail-on-drift", "-t", "table"]);
    expect(r.code).toBe(2);
    expect(r.stdout.split("\n")[1]).toStartWith("5 components swapped");
    expect(stderrLines(r.stderr).at(-1)).toMatch(/^error: \[CONFLICT\] drift detected: \d+ change\(s\) found$/);
  });

  test("a recipe whose values file is not in the catalogue: exit 8", () => {
    const broken = join(tmp, "broken-recipe.yaml");
    writeFileSync(broken, readFileSync(TRAINING, "utf8").replace("valuesFile: components/gpu-operator/values-eks-training.yaml", "valuesFile: components/gpu-operator/values-missing.yaml"));
    const r = aicr(["diff", TRAINING, broken]);
    expectFailure(r, 8, 'failed to hydrate values for component "gpu-operator"');
  });
});

describe("a fleet on its own", () => {
  test("distribution and outliers as JSON", () => {
    const r = aicr(["diff", FLEET, "-t", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toEqual({ nodes: 4, failed: 1, readings: 13, uniform: 8, withOutliers: 4, withoutMajority: 1, outlierNodes: 2 });
    expect(doc.nodes).toEqual([
      { node: "gpu-node-3", outliers: 3 },
      { node: "gpu-node-2", outliers: 1 },
    ]);
    expect(stderrLines(r.stderr)).toEqual(["fleet: 4 nodes (1 failed), 13 readings: 4 with outliers, 1 without a majority, 2 outlier nodes"]);
  });

  test("--fail-on-drift: drift across nodes exits 2 after the table", () => {
    const r = aicr(["diff", FLEET, "-t", "table", "--fail-on-drift"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("READINGS WITH OUTLIERS");
    expect(stderrLines(r.stderr).at(-1)).toBe("error: [CONFLICT] drift detected: 5 readings differ across nodes");
  });
});

describe("bad input: one line, exit code", () => {
  test("nothing to compare", () => expectFailure(aicr(["diff"]), 2, "--baseline is required"));
  test("--baseline without --target", () => expectFailure(aicr(["diff", "--baseline", BEFORE]), 2, "--target is required"));
  test("arguments and flags together", () => expectFailure(aicr(["diff", BEFORE, "--target", AFTER]), 2, "not both"));
  test("a repeated flag", () => expectFailure(aicr(["diff", "-b", BEFORE, "-b", AFTER, "--target", AFTER]), 2, "flag --baseline can only be specified once"));
  test("three documents", () => expectFailure(aicr(["diff", BEFORE, AFTER, FLEET]), 1, 'unexpected argument'));
  test("a single snapshot", () => expectFailure(aicr(["diff", BEFORE]), 2, "a single document must be a FleetSnapshot"));
  test("documents of different kinds", () => expectFailure(aicr(["diff", BEFORE, TRAINING]), 2, "cannot compare a Snapshot"));
  test("two fleets", () => expectFailure(aicr(["diff", FLEET, FLEET]), 2, "comparing two FleetSnapshots is not supported"));
  test("an overlay is not diffable", () =>
    expectFailure(aicr(["diff", join(REPO, "recipes", "overlays", "base.yaml"), BEFORE]), 2, "is a document of kind RecipeMetadata"));
  test("a missing file", () => expectFailure(aicr(["diff", join(tmp, "nope.yaml"), BEFORE]), 3, "not found"));
  test("malformed YAML", () => {
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "kind: Snapshot\nmeasurements: [\n");
    expectFailure(aicr(["diff", bad, BEFORE]), 2, "malformed YAML");
  });
  test("an unknown format", () => expectFailure(aicr(["diff", BEFORE, AFTER, "-t", "xml"]), 2, 'unknown output format: "xml"'));
  test("a table to a ConfigMap", () => expectFailure(aicr(["diff", BEFORE, AFTER, "-t", "table", "-o", "cm://ns/x"]), 2, "table output cannot be written to a ConfigMap"));
  test("an output directory that does not exist", () => {
    expectFailure(aicr(["diff", BEFORE, AFTER, "-o", join(tmp, "no", "such", "dir", "out.yaml")]), 2, "does not exist");
    expect(existsSync(join(tmp, "no"))).toBe(false);
  });
});

describe("cm:// sources and destinations", () => {
  let api: KubeStandin;
  let kubeconfig: string;
  let client: ReturnType<typeof standinClient>["client"];
  beforeAll(() => {
    api = KubeStandin.start();
    ({ client, kubeconfigPath: kubeconfig } = standinClient(api));
  });
  afterAll(() => api.stop());

  /** The CLI, spawned without blocking this process (the stand-in serves from it). */
  async function run(args: string[]) {
    const p = Bun.spawn({
      cmd: [process.execPath, join(REPO, "cli", "main.ts"), ...args, "--kubeconfig", kubeconfig],
      cwd: REPO,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: tmp, NO_COLOR: "1" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr };
  }

  test("a baseline read from a ConfigMap, the result written to one (4-space YAML)", async () => {
    await writeConfigMapDocument(client, "cm://aicr/node-before", { content: readFileSync(BEFORE, "utf8"), format: "yaml", kind: "Snapshot", version: VERSION });
    const r = await run(["diff", "-b", "cm://aicr/node-before", "--target", AFTER, "-o", "cm://aicr/node-drift"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const doc = await readConfigMapDocument(client, "cm://aicr/node-drift");
    expect(doc.text).toContain("\nsummary:\n    added: 1\n");
    expect(parse(doc.text).baselineSource).toBe("cm://aicr/node-before");
    expect(parse(doc.text).summary.total).toBe(3);
  });
});
