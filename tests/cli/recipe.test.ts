/** `aicr recipe`: formats, destinations, criteria files, AICRConfig files, help and version. */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { aicr, removeDir, tempDir, writeTree } from "./helpers.ts";

const tmp = tempDir();
afterAll(() => removeDir(tmp));

const eksH100Training = ["--service", "eks", "--accelerator", "h100", "--intent", "training"];

describe("aicr recipe", () => {
  test("YAML (the default) on stdout, as upstream writes it", () => {
    const r = aicr(["recipe", ...eksH100Training]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 20).join("\n")).toBe(
      [
        "kind: RecipeResult",
        "apiVersion: aicr.nvidia.com/v1alpha1",
        "metadata:",
        "  version: 0.11.1",
        "  appliedOverlays:",
        "    - base",
        "    - monitoring-hpa",
        "    - eks",
        "    - eks-training",
        "    - h100-eks-training",
        "criteria:",
        "  service: eks",
        "  accelerator: h100",
        "  intent: training",
        "  os: any",
        "  platform: any",
        "constraints:",
        "  - name: K8s.server.version",
        "    value: '>= 1.32.4'",
        "componentRefs:",
      ].join("\n"),
    );
    expect(r.stdout).toContain(
      [
        "  - name: gpu-operator",
        "    namespace: gpu-operator",
        "    chart: gpu-operator",
        "    type: Helm",
        "    source: https://helm.ngc.nvidia.com/nvidia",
        "    version: v25.10.1",
        "    valuesFile: components/gpu-operator/values-eks-training.yaml",
        "    overrides:",
        "      cdi:",
        "        enabled: true",
        "      gdrcopy:",
        "        enabled: true",
        "    dependencyRefs:",
        "      - cert-manager",
        "      - kube-prometheus-stack",
        "      - skyhook-customizations",
        "    manifestFiles:",
        "      - components/gpu-operator/manifests/dcgm-exporter.yaml",
        "",
      ].join("\n"),
    );
    expect(r.stdout).toContain('  - name: skyhook-customizations\n    namespace: skyhook\n    type: Helm\n    source: ""\n');
    expect(r.stdout.endsWith("\n")).toBe(true);
    // Diagnostics go to stderr only.
    expect(r.stderr).toContain("recipe generated");
    expect(r.stdout).not.toContain("recipe generated");
  });

  test("--format json: 2-space JSON with HTML-safe escaping", () => {
    const r = aicr(["recipe", ...eksH100Training, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"value": "\\u003e= 1.32.4"');
    expect(r.stdout.startsWith('{\n  "kind": "RecipeResult",\n  "apiVersion": "aicr.nvidia.com/v1alpha1",\n')).toBe(true);
    const doc = JSON.parse(r.stdout);
    expect(doc.deploymentOrder.slice(0, 5)).toEqual(["aws-ebs-csi-driver", "aws-efa", "cert-manager", "kube-prometheus-stack", "k8s-ephemeral-storage-metrics"]);
    expect(doc.criteria).toEqual({ service: "eks", accelerator: "h100", intent: "training", os: "any", platform: "any" });
  });

  test("-t table: FIELD/VALUE rows named after the Go fields, sorted", () => {
    const r = aicr(["recipe", ...eksH100Training, "-t", "table"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^FIELD\s+VALUE$/);
    expect(lines[1]).toMatch(/^-----\s+-----$/);
    expect(lines).toContainEqual(expect.stringMatching(/^Criteria\.Service\s+eks$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Metadata\.AppliedOverlays\.\[4\]\s+h100-eks-training$/));
    const keys = lines.slice(2).map((l) => l.split(/\s+/)[0] as string);
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  test("-o FILE writes the document to the file and nothing to stdout", () => {
    const out = join(tmp, "recipe.yaml");
    const r = aicr(["recipe", ...eksH100Training, "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`output=${out}`);
    expect(readFileSync(out, "utf8")).toBe(aicr(["recipe", ...eksH100Training]).stdout);
  });

  test("-o with a .json name still writes the --format (YAML by default)", () => {
    const out = join(tmp, "recipe.json");
    expect(aicr(["recipe", "--service", "eks", "--output", out]).code).toBe(0);
    expect(readFileSync(out, "utf8").startsWith("kind: RecipeResult\n")).toBe(true);
  });

  test("--gpu is an alias of --accelerator, values are case-insensitive and aliases map", () => {
    const r = aicr(["recipe", "--service", " EKS ", "--gpu", "H100", "--os", "al2023", "-t", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).criteria).toEqual({ service: "eks", accelerator: "h100", intent: "any", os: "amazonlinux", platform: "any" });
  });

  describe("--criteria", () => {
    test("a RecipeCriteria YAML file; values are normalised like flags", () => {
      const file = join(tmp, "criteria.yaml");
      writeTree(tmp, {
        "criteria.yaml": "kind: RecipeCriteria\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n  name: my-cluster\nspec:\n  service: EKS\n  accelerator: H100\n  intent: training\n  nodes: 4\n",
      });
      const r = aicr(["recipe", "--criteria", file, "-t", "json"]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.criteria).toEqual({ service: "eks", accelerator: "h100", intent: "training", os: "any", platform: "any", nodes: 4 });
      expect(doc.metadata.appliedOverlays).toEqual(["base", "monitoring-hpa", "eks", "eks-training", "h100-eks-training"]);
    });

    test("files saved with a byte order mark (YAML and JSON) read as without it", () => {
      const bom = "\ufeff";
      writeTree(tmp, {
        "bom.yaml": `${bom}kind: RecipeCriteria\nspec:\n  service: eks\n  accelerator: h100\n`,
        "bom.json": `${bom}${JSON.stringify({ kind: "RecipeCriteria", spec: { service: "gke" } })}`,
      });
      const yaml = aicr(["recipe", "--criteria", join(tmp, "bom.yaml"), "-t", "json"]);
      expect(yaml.code).toBe(0);
      expect(JSON.parse(yaml.stdout).criteria).toMatchObject({ service: "eks", accelerator: "h100" });
      const json = aicr(["recipe", "--criteria", join(tmp, "bom.json"), "-t", "json"]);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout).criteria).toMatchObject({ service: "gke" });
    });

    test("a JSON criteria file, with a flag overriding one field", () => {
      writeTree(tmp, { "criteria.json": JSON.stringify({ kind: "RecipeCriteria", spec: { service: "gke", os: "cos", intent: "inference" } }) });
      const r = aicr(["recipe", "-c", join(tmp, "criteria.json"), "--intent", "training", "-t", "json"]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.criteria).toEqual({ service: "gke", accelerator: "any", intent: "training", os: "cos", platform: "any" });
      expect(doc.metadata.appliedOverlays).toContain("gke-cos-training");
    });

    test("an empty criteria file is legal (all any)", () => {
      writeTree(tmp, { "empty.yaml": "kind: RecipeCriteria\nspec: {}\n" });
      const r = aicr(["recipe", "--criteria", join(tmp, "empty.yaml"), "-t", "json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).metadata.appliedOverlays).toEqual(["base", "monitoring-hpa"]);
    });
  });

  describe("--config (AICRConfig)", () => {
    const configFile = (name: string, output: string) =>
      join(
        writeTree(tmp, {
          [name]: [
            "kind: AICRConfig",
            "apiVersion: aicr.nvidia.com/v1alpha1",
            "metadata:",
            "  name: acme",
            "spec:",
            "  recipe:",
            "    criteria:",
            "      service: eks",
            "      accelerator: h100",
            "      intent: training",
            "    output:",
            `      path: ${output}`,
            "      format: json",
            "",
          ].join("\n"),
        }),
        name,
      );

    test("criteria, output.path and output.format come from the file", () => {
      const out = join(tmp, "from-config.json");
      const r = aicr(["recipe", "--config", configFile("config.yaml", out)]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("");
      const doc = JSON.parse(readFileSync(out, "utf8"));
      expect(doc.criteria).toEqual({ service: "eks", accelerator: "h100", intent: "training", os: "any", platform: "any" });
    });

    test("explicit flags override the file: criteria field, format and output", () => {
      const out = join(tmp, "unused.json");
      const r = aicr(["recipe", "--config", configFile("config2.yaml", out), "--intent", "inference", "-t", "yaml", "-o", "-"]);
      expect(r.code).toBe(0);
      expect(existsSync(out)).toBe(false);
      expect(r.stdout.startsWith("kind: RecipeResult\n")).toBe(true);
      expect(r.stdout).toContain("  intent: inference\n");
      expect(r.stdout).toContain("    - h100-eks-inference\n");
      expect(r.stderr).toContain("--intent overrides the config file's spec.recipe.criteria.intent");
    });

    test("query reads the config's criteria too", () => {
      const r = aicr(["query", "--config", configFile("config3.yaml", join(tmp, "x.json")), "--selector", "criteria.intent"]);
      expect(r).toEqual({ code: 0, stdout: "training\n", stderr: expect.any(String) });
    });
  });

  test("--help describes the command, its flags and the lint subcommand", () => {
    const r = aicr(["recipe", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("USAGE aicr recipe");
    for (const flag of ["--service", "--accelerator", "--criteria", "--config", "--data", "--output", "--format", "--explain"]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain("aks, eks, gke, kind, oke");
    expect(r.stdout).toMatch(/\n\s+lint\s+Check a recipe catalogue/);
  });

  test("--version prints the version", () => {
    expect(aicr(["--version"])).toEqual({ code: 0, stdout: "aicr version 0.11.1\n", stderr: "" });
  });
});
