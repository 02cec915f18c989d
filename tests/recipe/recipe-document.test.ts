/**
 * The emitted recipe document for `aicr recipe --service eks --accelerator h100 --intent training`
 * (recipes.md §4.1/§4.2): structure and key order, scalar typing, JSON escaping and determinism.
 */
import { describe, expect, test } from "bun:test";
import { embeddedEntries } from "../../core/catalogue/embedded.ts";
import { buildStore } from "../../core/catalogue/store.ts";
import { anyCriteria, applyCriteria } from "../../core/recipe/criteria.ts";
import { formatRecipe, recipeDocument } from "../../core/recipe/render.ts";
import { resolveRecipe } from "../../core/recipe/resolve.ts";
import type { RecipeResult } from "../../core/recipe/result.ts";
import { parseYaml } from "../../core/yaml.ts";
import { has, store, VERSION } from "./catalogue-helpers.ts";

type Obj = Record<string, unknown>;

const query = { service: "eks", accelerator: "h100", intent: "training" };
const resolve = (s = store()): RecipeResult => resolveRecipe(s, applyCriteria(anyCriteria(), query), { version: VERSION }).result;

const result = resolve();
const yamlText = formatRecipe(result, "yaml");
const jsonText = formatRecipe(result, "json");
const parsed = () => parseYaml(yamlText, "recipe.yaml").value as Obj;
const refs = () => parsed()["componentRefs"] as Obj[];
const ref = (name: string) => {
  const r = refs().find((x) => x["name"] === name);
  if (!r) throw new Error(`no componentRef ${name}`);
  return r;
};

// Expected facts of the emitted document (what a user reads in the YAML).
const expectedNames = [
  "aws-ebs-csi-driver",
  "aws-efa",
  "cert-manager",
  "gpu-operator",
  "k8s-ephemeral-storage-metrics",
  "kai-scheduler",
  "kube-prometheus-stack",
  "nvidia-dra-driver-gpu",
  "nvsentinel",
  "prometheus-adapter",
  "skyhook-customizations",
  "skyhook-operator",
];

const expectedRefs: Record<string, Obj> = {
  "aws-ebs-csi-driver": {
    name: "aws-ebs-csi-driver",
    namespace: "kube-system",
    chart: "aws-ebs-csi-driver",
    type: "Helm",
    source: "https://kubernetes-sigs.github.io/aws-ebs-csi-driver",
    version: "2.55.0",
    valuesFile: "components/aws-ebs-csi-driver/values.yaml",
  },
  "gpu-operator": {
    name: "gpu-operator",
    namespace: "gpu-operator",
    chart: "gpu-operator",
    type: "Helm",
    source: "https://helm.ngc.nvidia.com/nvidia",
    version: "v25.10.1",
    valuesFile: "components/gpu-operator/values-eks-training.yaml",
    overrides: { cdi: { enabled: true }, gdrcopy: { enabled: true } },
    dependencyRefs: ["cert-manager", "kube-prometheus-stack", "skyhook-customizations"],
    manifestFiles: ["components/gpu-operator/manifests/dcgm-exporter.yaml"],
  },
  "kube-prometheus-stack": {
    name: "kube-prometheus-stack",
    namespace: "monitoring",
    chart: "kube-prometheus-stack",
    type: "Helm",
    source: "https://prometheus-community.github.io/helm-charts",
    version: "82.8.0",
    valuesFile: "components/kube-prometheus-stack/values.yaml",
    overrides: {
      prometheus: {
        prometheusSpec: {
          storageSpec: {
            emptyDir: null,
            volumeClaimTemplate: {
              spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } }, storageClassName: "gp2" },
            },
          },
        },
      },
    },
  },
  "skyhook-customizations": {
    name: "skyhook-customizations",
    namespace: "skyhook",
    type: "Helm",
    source: "",
    overrides: { accelerator: "h100", intent: "multiNodeTraining", service: "eks" },
    dependencyRefs: ["skyhook-operator"],
    manifestFiles: ["components/skyhook-customizations/manifests/tuning.yaml"],
  },
  "skyhook-operator": {
    name: "skyhook-operator",
    namespace: "skyhook",
    chart: "skyhook-operator",
    type: "Helm",
    source: "https://helm.ngc.nvidia.com/nvidia/skyhook",
    version: "v0.14.0",
    valuesFile: "components/skyhook-operator/values.yaml",
  },
};

const expectedOrder = [
  "aws-ebs-csi-driver",
  "aws-efa",
  "cert-manager",
  "kube-prometheus-stack",
  "k8s-ephemeral-storage-metrics",
  "prometheus-adapter",
  "skyhook-operator",
  "skyhook-customizations",
  "gpu-operator",
  "kai-scheduler",
  "nvidia-dra-driver-gpu",
  "nvsentinel",
];

const conformanceChecks = ["platform-health", "gpu-operator-health", "dra-support", "accelerator-metrics", "ai-service-metrics"];

describe("recipe --service eks --accelerator h100 --intent training: YAML", () => {
  test("top-level keys in emission order", () => {
    expect(Object.keys(parsed())).toEqual(["kind", "apiVersion", "metadata", "criteria", "constraints", "componentRefs", "deploymentOrder", "validation"]);
    expect(parsed()["kind"]).toBe("RecipeResult");
    expect(parsed()["apiVersion"]).toBe("aicr.nvidia.com/v1alpha1");
  });

  test("metadata: version (a string) and applied overlays", () => {
    expect(parsed()["metadata"]).toEqual({ version: "0.11.1", appliedOverlays: ["base", "monitoring-hpa", "eks", "eks-training", "h100-eks-training"] });
    expect(Object.keys(parsed()["metadata"] as Obj)).toEqual(["version", "appliedOverlays"]);
    expect(yamlText).toContain("\n  version: 0.11.1\n");
  });

  test("criteria: five fields in order, unset ones as any, no nodes", () => {
    const c = parsed()["criteria"] as Obj;
    expect(Object.keys(c)).toEqual(["service", "accelerator", "intent", "os", "platform"]);
    expect(c).toEqual({ service: "eks", accelerator: "h100", intent: "training", os: "any", platform: "any" });
  });

  test("constraint value is the string '>= 1.32.4', single-quoted", () => {
    expect(parsed()["constraints"]).toEqual([{ name: "K8s.server.version", value: ">= 1.32.4" }]);
    const c = (parsed()["constraints"] as Obj[])[0] as Obj;
    expect(Object.keys(c)).toEqual(["name", "value"]);
    expect(typeof c["value"]).toBe("string");
    expect(yamlText).toContain("\n    value: '>= 1.32.4'\n");
  });

  test("componentRefs sorted by name", () => {
    expect(refs().map((r) => r["name"])).toEqual(expectedNames);
  });

  for (const [name, want] of Object.entries(expectedRefs)) {
    test(`componentRef ${name}: fields and key order`, () => {
      expect(ref(name)).toEqual(want);
      expect(Object.keys(ref(name))).toEqual(Object.keys(want));
    });
  }

  test('skyhook-customizations carries source: "" (an explicitly empty string)', () => {
    const s = ref("skyhook-customizations");
    expect("source" in s).toBe(true);
    expect(s["source"]).toBe("");
    expect(yamlText).toMatch(/\n  - name: skyhook-customizations\n(?: {4}\S.*\n)*? {4}source: ""\n/);
  });

  test("kube-prometheus-stack override keeps emptyDir: null", () => {
    const o = ref("kube-prometheus-stack")["overrides"];
    expect(has(o, "prometheus.prometheusSpec.storageSpec.emptyDir")).toBe(true);
    expect(yamlText).toContain("\n            emptyDir: null\n");
  });

  test("override maps are written with sorted keys", () => {
    expect(Object.keys(ref("skyhook-customizations")["overrides"] as Obj)).toEqual(["accelerator", "intent", "service"]);
    const spec = (ref("kube-prometheus-stack")["overrides"] as Obj)["prometheus"] as Obj;
    const vct = (((spec["prometheusSpec"] as Obj)["storageSpec"] as Obj)["volumeClaimTemplate"] as Obj)["spec"] as Obj;
    expect(Object.keys(vct)).toEqual(["accessModes", "resources", "storageClassName"]);
  });

  test("every componentRef is of type Helm and has a namespace; only skyhook-customizations lacks chart and version", () => {
    for (const r of refs()) {
      expect(r["type"]).toBe("Helm");
      expect(typeof r["namespace"]).toBe("string");
      if (r["name"] === "skyhook-customizations") {
        expect(r["chart"]).toBeUndefined();
        expect(r["version"]).toBeUndefined();
      } else {
        expect(typeof r["chart"]).toBe("string");
        expect(typeof r["version"]).toBe("string");
      }
    }
  });

  test("deployment order", () => {
    expect(parsed()["deploymentOrder"]).toEqual(expectedOrder);
  });

  test("validation: conformance checks only", () => {
    expect(parsed()["validation"]).toEqual({ conformance: { checks: conformanceChecks } });
  });

  test("block sequences are indented under their key; 2-space indent; trailing newline, no document marker", () => {
    expect(yamlText.startsWith("kind: RecipeResult\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n  version:")).toBe(true);
    expect(yamlText).toContain("\n  appliedOverlays:\n    - base\n");
    expect(yamlText.endsWith("\n")).toBe(true);
    expect(yamlText.endsWith("\n\n")).toBe(false);
    expect(yamlText).not.toContain("---");
  });

  test("the YAML is the recipe document the engine built", () => {
    expect(parsed()).toEqual(recipeDocument(result));
  });
});

describe("recipe --service eks --accelerator h100 --intent training: JSON", () => {
  test("escapes > as \\u003e", () => {
    expect(jsonText).toContain('"value": "\\u003e= 1.32.4"');
    expect(jsonText).not.toContain(">");
  });

  test("parses back to the same structure as the YAML", () => {
    expect(JSON.parse(jsonText)).toEqual(parsed());
  });

  test("2-space indentation and a trailing newline", () => {
    expect(jsonText.startsWith('{\n  "kind": "RecipeResult",\n  "apiVersion": "aicr.nvidia.com/v1alpha1",\n')).toBe(true);
    expect(jsonText.endsWith("}\n")).toBe(true);
  });

  test("keeps the struct key order", () => {
    expect(Object.keys(JSON.parse(jsonText))).toEqual(Object.keys(parsed()));
    const gpu = (JSON.parse(jsonText)["componentRefs"] as Obj[]).find((r) => r["name"] === "gpu-operator") as Obj;
    expect(Object.keys(gpu)).toEqual(Object.keys(expectedRefs["gpu-operator"] as Obj));
  });
});

describe("recipe --service eks --accelerator h100 --intent training: table", () => {
  test("flattens by Go field names, free-form keys as written", () => {
    const table = formatRecipe(result, "table");
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^FIELD\s+VALUE$/);
    expect(lines[1]).toMatch(/^-----\s+-----$/);
    expect(lines).toContainEqual(expect.stringMatching(/^ComponentRefs\.\[3\]\.Overrides\.cdi\.enabled\s+true$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Constraints\.\[0\]\.Value\s+>= 1\.32\.4$/));
    expect(lines).toContainEqual(expect.stringMatching(/^APIVersion\s+aicr\.nvidia\.com\/v1alpha1$/));
  });
});

describe("determinism", () => {
  for (const format of ["yaml", "json", "table"] as const) {
    test(`${format} output is byte-identical across runs and fresh catalogue loads`, () => {
      const first = formatRecipe(resolve(), format);
      const second = formatRecipe(resolve(), format);
      const fresh = formatRecipe(resolve(buildStore(embeddedEntries())), format);
      expect(second).toBe(first);
      expect(fresh).toBe(first);
    });
  }
});
