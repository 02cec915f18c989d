/**
 * cm://namespace/name as input and output of the CLI's commands, against the loopback API stand-in:
 * a recipe written to a ConfigMap, a snapshot read from one (criteria detected), validate and bundle
 * reading their inputs from ConfigMaps and validate writing its report to one.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { readConfigMapDocument, writeConfigMapDocument } from "../../agent/kube/configmap.ts";
import { ConfigMaps } from "../../agent/kube/paths.ts";
import { VERSION } from "../../core/version.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";
import { REPO, tempDir } from "./helpers.ts";

setDefaultTimeout(60_000);
let api: KubeStandin;
let kubeconfig: string;
let client: ReturnType<typeof standinClient>["client"];

beforeAll(() => {
  api = KubeStandin.start();
  ({ client, kubeconfigPath: kubeconfig } = standinClient(api));
});
afterAll(() => api.stop());

/** The CLI, spawned without blocking this process (the stand-in serves from it). */
async function aicr(args: string[]) {
  const p = Bun.spawn({
    cmd: [process.execPath, join(REPO, "cli", "main.ts"), ...args, "--kubeconfig", kubeconfig],
    cwd: REPO,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: tempDir(), NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

const leaf = ["--service", "eks", "--accelerator", "h100", "--os", "ubuntu", "--intent", "training", "--platform", "kubeflow"];

test("recipe -o cm:// stores the recipe (4-space YAML) labelled as a recipe", async () => {
  const r = await aicr(["recipe", ...leaf, "-o", "cm://aicr/recipe-h100"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe("");
  const cm = (await client.get(ConfigMaps, "recipe-h100", { namespace: "aicr" })) as unknown as {
    metadata: { labels: Record<string, string> };
    data: Record<string, string>;
  };
  expect(cm.metadata.labels["app.kubernetes.io/component"]).toBe("recipe");
  expect(cm.metadata.labels["app.kubernetes.io/version"]).toBe(VERSION);
  expect(cm.data["snapshot.yaml"]).toContain("\n    appliedOverlays:\n        - base\n");
  expect(parse(cm.data["snapshot.yaml"] as string).kind).toBe("RecipeResult");
});

test("recipe --snapshot cm:// detects the criteria from a snapshot stored in a ConfigMap", async () => {
  const text = readFileSync(join(REPO, "tests", "fixtures", "snapshots", "eks-h100-ubuntu.yaml"), "utf8");
  await writeConfigMapDocument(client, "cm://aicr/snap-node-1", { content: text, format: "yaml", kind: "Snapshot", version: VERSION });
  const r = await aicr(["recipe", "--snapshot", "cm://aicr/snap-node-1", "--intent", "training"]);
  expect(r.code).toBe(0);
  const doc = parse(r.stdout);
  expect(doc.criteria).toMatchObject({ service: "eks", accelerator: "h100", os: "ubuntu", intent: "training" });
});

test("validate reads recipe and snapshot from ConfigMaps and writes its report to one", async () => {
  const r = await aicr(["validate", "--recipe", "cm://aicr/recipe-h100", "--snapshot", "cm://aicr/snap-node-1", "--no-cluster", "-o", "cm://aicr/report"]);
  expect(r.code).toBe(0);
  const back = await readConfigMapDocument(client, "cm://aicr/report");
  expect(back.format).toBe("json");
  const report = JSON.parse(back.text);
  expect(report.reportFormat).toBe("CTRF");
  expect(report.results.summary.tests).toBeGreaterThan(0);
});

test("bundle reads its recipe from a ConfigMap", async () => {
  const out = join(tempDir(), "bundle");
  const r = await aicr(["bundle", "--recipe", "cm://aicr/recipe-h100", "-o", out]);
  expect(r.code).toBe(0);
  expect(readFileSync(join(out, "recipe.yaml"), "utf8")).toContain("kind: RecipeResult");
});

test("a snapshot ConfigMap that does not exist: one clear line naming it, exit 8 (recipe input failure)", async () => {
  const r = await aicr(["recipe", "--snapshot", "cm://aicr/no-such-snapshot"]);
  expect(r.code).toBe(8);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("no-such-snapshot");
  expect(r.stderr).not.toMatch(/^\s+at /m);
});
