/** `aicr bundle` through the CLI: output, --list-images, --config, replacing an earlier bundle, bad input. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { aicr, expectFailure, goldenCases, parseValues, readTree, recipePath, removeDir, REPO, tempDir, SPAWNING_TEST_TIMEOUT_MS } from "./helpers.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const root = tempDir("aicr-bundle-cli-");
afterAll(() => removeDir(root));
let n = 0;
const fresh = () => join(root, `case-${n++}`);
const training = recipePath(goldenCases.training);
const inference = recipePath(goldenCases.inference);

/** A copy of the training recipe with its text changed. */
function recipeVariant(edit: (text: string) => string): string {
  const path = join(root, `recipe-${n++}.yaml`);
  writeFileSync(path, edit(readFileSync(training, "utf8")));
  return path;
}

describe("aicr bundle", () => {
  test("writes the bundle and says what to do next", () => {
    const out = fresh();
    const r = aicr(["bundle", "-r", training, "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const files = readTree(out).files;
    expect(r.stdout).toStartWith(`\nHelm bundle generated successfully!\nOutput directory: ${out}\nFiles generated: ${files.size}\n\nNote:\n`);
    expect(r.stdout).toContain("  \u26a0 Warning: skyhook-customizations is enabled but --workload-selector is not set.");
    expect(r.stdout).toEndWith(`To deploy:\n  1. cd ${out}\n  2. ./deploy.sh\n`);
    expect(readdirSync(root).filter((d) => d.includes("aicr-tmp"))).toEqual([]);
  });

  test("the default output directory is ./bundle", () => {
    const cwd = fresh();
    mkdirSync(cwd);
    const r = aicr(["bundle", "-r", training], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, "bundle", "deploy.sh"))).toBe(true);
  });

  test("re-bundling replaces an earlier bundle whole (stale folders go), keeping dot entries such as .git", () => {
    const out = fresh();
    expect(aicr(["bundle", "-r", training, "-o", out]).code).toBe(0);
    mkdirSync(join(out, ".git"));
    writeFileSync(join(out, ".git", "HEAD"), "ref: refs/heads/main\n");
    const r = aicr(["bundle", "-r", training, "-o", out, "--set", "kaischeduler:enabled=false"]);
    expect(r.code, r.stderr).toBe(0);
    const names = readdirSync(out);
    expect(names.some((d) => d.endsWith("kai-scheduler"))).toBe(false);
    expect(names).toContain("011-kubeflow-trainer");
    expect(readFileSync(join(out, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
  });

  test("--data: the catalogue overlay is used and copied under data/", () => {
    const data = join(root, "data");
    mkdirSync(join(data, "components", "cert-manager"), { recursive: true });
    writeFileSync(join(data, "registry.yaml"), "apiVersion: aicr.nvidia.com/v1alpha1\nkind: ComponentRegistry\ncomponents: []\n");
    writeFileSync(join(data, "components", "cert-manager", "values.yaml"), "installCRDs: true\nfromData: yes-it-is\n");
    const out = fresh();
    const r = aicr(["bundle", "-r", training, "-o", out, "--data", data]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseValues(readFileSync(join(out, "003-cert-manager", "values.yaml"), "utf8"))["fromData"]).toBe("yes-it-is");
    expect(readFileSync(join(out, "data", "registry.yaml"), "utf8")).toContain("kind: ComponentRegistry");
    expect(readFileSync(join(out, "checksums.txt"), "utf8")).toContain("  data/components/cert-manager/values.yaml\n");
  });

  test("--config: spec.bundle drives the bundle; flags win and list flags replace", () => {
    const out = fresh();
    const config = join(root, "config.yaml");
    writeFileSync(
      config,
      [
        "kind: AICRConfig",
        "apiVersion: aicr.nvidia.com/v1alpha1",
        "spec:",
        "  bundle:",
        `    input: {recipe: ${training}}`,
        `    output: {target: ${out}}`,
        "    deployment:",
        "      set: [gpuoperator:driver.version=1.0.0, certmanager:replicaCount=3]",
        "    scheduling:",
        "      nodes: 8",
        "      storageClass: from-config",
        "      acceleratedNodeSelector: {nodeGroup: gpu}",
        "",
      ].join("\n"),
    );
    const r = aicr(["bundle", "--config", config, "--nodes", "4", "--set", "gpuoperator:driver.version=2.0.0"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("--nodes overrides the config file's spec.bundle.scheduling.nodes");
    const gpu = parseValues(readFileSync(join(out, "009-gpu-operator", "values.yaml"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(gpu["driver"]?.["version"]).toBe("2.0.0");
    expect(gpu["daemonsets"]?.["nodeSelector"]).toEqual({ nodeGroup: "gpu" });
    expect(parseValues(readFileSync(join(out, "003-cert-manager", "values.yaml"), "utf8"))["replicaCount"]).toBeUndefined();
    expect(parseValues(readFileSync(join(out, "007-skyhook-operator", "values.yaml"), "utf8"))["estimatedNodeCount"]).toBe(4);
    expect(readFileSync(join(out, "004-kube-prometheus-stack", "values.yaml"), "utf8")).toContain("storageClassName: from-config");
  });
});

describe("aicr bundle: recipes the native YAML parser cannot be trusted with", () => {
  test("a chart version written as a number keeps its text", () => {
    const recipe = recipeVariant((t) => t.replace("    version: v1.17.2\n", "    version: 1.10\n"));
    const out = fresh();
    const r = aicr(["bundle", "-r", recipe, "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    const files = readTree(out).files;
    const env = files.get([...files.keys()].find((p) => p.endsWith("-cert-manager/upstream.env")) as string);
    expect(env).toContain("VERSION='1.10'\n");
  });

  test("a duplicate key is reported with its line and column", () => {
    const recipe = recipeVariant((t) => t.replace("    version: v1.17.2\n", "    version: v1.17.2\n    version: v1.17.3\n"));
    const out = fresh();
    const r = aicr(["bundle", "-r", recipe, "-o", out]);
    expectFailure(r, 2, /recipe-\d+\.yaml:\d+:\d+: Map keys must be unique/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("aicr bundle --list-images", () => {
  test("text: charts then images; nothing is written", () => {
    const out = fresh();
    const r = aicr(["bundle", "-r", training, "-o", out, "--list-images"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toContain("chart https://charts.jetstack.io cert-manager v1.17.2");
    expect(lines).toContain("chart oci://ghcr.io/nvidia/kai-scheduler kai-scheduler v0.13.0");
    expect(lines).toContain("image 602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin:v0.5.3");
    expect(lines).toContain("image ghcr.io/nvidia/skyhook-packages/nvidia-setup:0.2.1");
    expect(lines).toContain("image ghcr.io/nvidia/skyhook-packages/nvidia-tuned:0.2.3");
    expect(lines).toContain("image pytorch/pytorch:2.9.1-cuda12.8-cudnn9-runtime");
    expect(lines.findIndex((l) => l.startsWith("image "))).toBeGreaterThan(lines.findLastIndex((l) => l.startsWith("chart ")));
    expect(new Set(lines).size).toBe(lines.length);
    expect(existsSync(out)).toBe(false);
  });

  test("json: every chart and where each image was found", () => {
    const r = aicr(["bundle", "-r", inference, "--list-images", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { charts: { component: string }[]; images: { image: string; component: string; source: string }[] };
    expect(list.charts.map((c) => c.component)).toContain("dynamo-platform");
    expect(list.images).toContainEqual({
      image: "registry.k8s.io/kubebuilder/kube-rbac-proxy:v0.15.0",
      component: "dynamo-platform",
      source: "values:dynamo-operator.controllerManager.kubeRbacProxy.image",
    });
    expect(list.images.some((i) => i.source.startsWith("manifest:components/skyhook-customizations/"))).toBe(true);
  });
});

describe("aicr bundle: bad input (one line, non-zero exit, nothing written)", () => {
  const nothingWritten = (out: string) => {
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((d) => d.includes("aicr-tmp"))).toEqual([]);
  };

  test.each(["../evil", "a/b", "x\\\\y"])("component name %p", (name) => {
    const recipe = recipeVariant((t) => t.replace("- name: cert-manager\n", `- name: ${JSON.stringify(name)}\n`));
    const out = fresh();
    expectFailure(aicr(["bundle", "-r", recipe, "-o", out]), 2, "must not contain path separators or parent directory references");
    nothingWritten(out);
  });

  test("--set on a component that does not exist", () => {
    const out = fresh();
    expectFailure(aicr(["bundle", "-r", training, "-o", out, "--set", "nosuch:a.b=1"]), 2, 'unknown component "nosuch" in --set "nosuch:a.b=1"');
    nothingWritten(out);
  });

  test("--set with a bad path", () => {
    const out = fresh();
    expectFailure(aicr(["bundle", "-r", training, "-o", out, "--set", "gpuoperator:driver..version=1"]), 2, 'path segment "" must start with a letter or digit');
    nothingWritten(out);
  });

  test("--dynamic with a value", () => {
    const out = fresh();
    expectFailure(aicr(["bundle", "-r", training, "-o", out, "--dynamic", "gpuoperator:driver.version=1"]), 2, "does not accept '=value'");
    nothingWritten(out);
  });

  test("an output path that is a file", () => {
    const file = join(root, `file-${n++}`);
    writeFileSync(file, "keep me\n");
    expectFailure(aicr(["bundle", "-r", training, "-o", file]), 2, `output path ${file} is a file, expected a directory`);
    expect(readFileSync(file, "utf8")).toBe("keep me\n");
  });

  test("an output directory that holds something else", () => {
    const out = fresh();
    mkdirSync(out);
    writeFileSync(join(out, "mine.txt"), "x");
    expectFailure(aicr(["bundle", "-r", training, "-o", out]), 2, "is not empty and holds no earlier bundle");
    expect(readdirSync(out)).toEqual(["mine.txt"]);
  });

  test("a recipe that is not a RecipeResult (an overlay)", () => {
    const out = fresh();
    expectFailure(
      aicr(["bundle", "-r", join(REPO, "recipes", "overlays", "eks.yaml"), "-o", out]),
      2,
      /eks\.yaml is not a RecipeResult \(kind RecipeMetadata\)/,
    );
    nothingWritten(out);
  });

  test("a recipe file that does not exist", () => {
    const out = fresh();
    expectFailure(aicr(["bundle", "-r", join(root, "missing.yaml"), "-o", out]), 3, "recipe file not found");
    nothingWritten(out);
  });

  test("an unknown deployer", () => {
    const out = fresh();
    expectFailure(aicr(["bundle", "-r", training, "-o", out, "-d", "chef"]), 2, 'invalid deployer "chef"');
    nothingWritten(out);
  });

  test("bad scheduling flags", () => {
    const out = fresh();
    expectFailure(aicr(["bundle", "-r", training, "-o", out, "--accelerated-node-toleration", "a=b:Sometimes"]), 2, 'effect "Sometimes" must be one of');
    expectFailure(aicr(["bundle", "-r", training, "-o", out, "--storage-class", " "]), 2, "--storage-class cannot be blank when specified");
    expectFailure(aicr(["bundle", "-r", training, "-o", out, "--nodes", "-2"]), 2, "--nodes must be an integer >= 0");
    nothingWritten(out);
  });

  test("the current directory (or one above it) as output", () => {
    const cwd = fresh();
    mkdirSync(cwd);
    expectFailure(aicr(["bundle", "-r", training, "-o", "."], { cwd }), 2, "contains the current directory");
    expectFailure(aicr(["bundle", "-r", training, "-o", ".."], { cwd }), 2, "contains the current directory");
    expect(readdirSync(cwd)).toEqual([]);
  });

  test("a registry validation of severity error stops the bundle", () => {
    const data = join(root, `data-${n++}`);
    mkdirSync(data);
    writeFileSync(
      join(data, "registry.yaml"),
      [
        "apiVersion: aicr.nvidia.com/v1alpha1",
        "kind: ComponentRegistry",
        "components:",
        "  - name: skyhook-customizations",
        "    valueOverrideKeys: [skyhookcustomizations]",
        "    validations:",
        "      - function: CheckWorkloadSelectorMissing",
        "        severity: error",
        "        conditions: {intent: [training]}",
        "        message: Set one.",
        "",
      ].join("\n"),
    );
    const out = fresh();
    expectFailure(
      aicr(["bundle", "-r", training, "-o", out, "--data", data]),
      2,
      "component validation failed: [INVALID_REQUEST] skyhook-customizations is enabled but --workload-selector is not set. Set one.",
    );
    nothingWritten(out);
    expect(aicr(["bundle", "-r", training, "-o", out, "--data", data, "--workload-selector", "app=train"]).code).toBe(0);
  });

  test("no recipe at all", () => {
    expectFailure(aicr(["bundle", "-o", fresh()]), 1, "required flag --recipe not set");
  });
});
