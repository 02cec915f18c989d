/**
 * Every manifest template in recipes/components/<component>/manifests/ renders with the bundle's
 * template data and function map (snapshot-bundle-api B2.5) and yields YAML that parses back.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { parseTemplate, renderTemplate } from "../../core/template/index.ts";
import { parseYaml } from "../../core/yaml.ts";

const componentsDir = join(import.meta.dir, "../../recipes/components");

interface Manifest {
  component: string;
  file: string;
  text: string;
}

const manifests: Manifest[] = readdirSync(componentsDir)
  .sort()
  .flatMap((component) => {
    const dir = join(componentsDir, component, "manifests");
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
    } catch {
      return [];
    }
    return files.map((file) => ({ component, file, text: readFileSync(join(dir, file), "utf8") }));
  });

function valuesFile(component: string): Record<string, unknown> {
  try {
    return parseYaml(readFileSync(join(componentsDir, component, "values.yaml"), "utf8"), `${component}/values.yaml`).value as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** What the bundler injects per component (B1.4 scheduling, B3.1 recipe overrides). */
const injected: Record<string, Record<string, unknown>> = {
  "gpu-operator": {
    daemonsets: { tolerations: [{ operator: "Exists" }], nodeSelector: { "nodeGroup": "gpu" } },
    operator: { nodeSelector: { "nodeGroup": "system" } },
  },
  "skyhook-customizations": {
    service: "eks",
    accelerator: "h100",
    intent: "multiNodeTraining",
    acceleratedTolerations: [{ operator: "Exists" }],
    acceleratedNodeSelector: { nodeGroup: "gpu" },
  },
  kgateway: { nodeSelector: { nodeGroup: "system" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "system", effect: "NoSchedule" }] },
};

const namespaces: Record<string, string> = {
  "gpu-operator": "gpu-operator",
  "skyhook-customizations": "skyhook",
  kgateway: "kgateway-system",
  "kgateway-crds": "kgateway-system",
  "kubeflow-trainer": "kubeflow",
  "gke-nccl-tcpxo": "kube-system",
};

const chartVersions: Record<string, string> = { "gpu-operator": "v25.10.1", kgateway: "v2.0.0", "kgateway-crds": "v2.0.0", "kubeflow-trainer": "2.1.0" };

/** The template data of B2.5: one-key `.Values`, `.Release`, `.Chart` (version without its `v`, default 0.1.0). */
function manifestData(component: string, values: unknown) {
  const version = (chartVersions[component] ?? "").replace(/^v/, "") || "0.1.0";
  return {
    Values: { [component]: values },
    Release: { Name: component, Namespace: namespaces[component] ?? component, Service: "Helm" },
    Chart: { Name: component, Version: version },
  };
}

const realisticValues = (component: string) => ({ ...valuesFile(component), ...(injected[component] ?? {}) });

/** Values for the render-everything test: kernel-module-params renders only when a (GB200) recipe names it. */
function valuesFor(m: Manifest): Record<string, unknown> {
  const v = realisticValues(m.component);
  if (m.file !== "kernel-module-params.yaml") return v;
  return { ...v, driver: { ...(v["driver"] as Record<string, unknown>), kernelModuleConfig: { name: "nvidia-kernel-module-params" } } };
}

const render = (component: string, file: string, values: unknown) => {
  const m = manifests.find((x) => x.component === component && x.file === file);
  if (!m) throw new Error(`no manifest ${component}/${file}`);
  return renderTemplate(m.text, manifestData(component, values), "manifest", { base: "manifest" });
};

/** Parsed YAML documents of a rendered manifest, comment-only documents dropped. */
function documents(text: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) if (d.errors.length > 0) throw new Error(d.errors[0]?.message);
  return docs.map((d) => d.toJS() as Record<string, unknown> | null).filter((d): d is Record<string, unknown> => d !== null);
}

describe("every shipped manifest renders and parses back as YAML", () => {
  test("there are manifests to check", () => {
    expect(manifests.length).toBeGreaterThanOrEqual(12);
  });

  for (const m of manifests) {
    test(`${m.component}/${m.file}`, () => {
      const out = render(m.component, m.file, valuesFor(m));
      const docs = documents(out);
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) {
        expect(typeof d["apiVersion"]).toBe("string");
        expect(typeof d["kind"]).toBe("string");
        expect(typeof (d["metadata"] as Record<string, unknown>)["name"]).toBe("string");
      }
      if (!m.text.includes("{{")) expect(out).toBe(m.text);
      // The same text comes out with the Sprig map, whose toYaml/toString/default agree here.
      expect(renderTemplate(m.text, manifestData(m.component, valuesFor(m)), "manifest")).toBe(out);
    });
  }
});

describe("gpu-operator manifests", () => {
  test("dcgm-exporter: a ConfigMap named from the values, labelled with chart and version", () => {
    const [cm] = documents(render("gpu-operator", "dcgm-exporter.yaml", realisticValues("gpu-operator")));
    expect(cm?.["metadata"]).toEqual({
      name: "dcgm-exporter",
      namespace: "gpu-operator",
      labels: { "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "gpu-operator-25.10.1" },
    });
    const csv = (cm?.["data"] as Record<string, string>)["dcgm-metrics.csv"] ?? "";
    expect(csv.startsWith("# Clocks\nDCGM_FI_DEV_SM_CLOCK, gauge, Streaming multiprocessor clock (MHz).\n")).toBe(true);
  });

  test("dcgm-exporter: a custom name is used, and the default applies to an empty one", () => {
    const base = realisticValues("gpu-operator");
    const named = { ...base, dcgmExporter: { config: { name: "metrics", create: true } } };
    expect(render("gpu-operator", "dcgm-exporter.yaml", named)).toContain("  name: metrics\n");
    const unnamed = { ...base, dcgmExporter: { config: { name: "", create: "true" } } };
    expect(render("gpu-operator", "dcgm-exporter.yaml", unnamed)).toContain("  name: dcgm-exporter\n");
  });

  test("dcgm-exporter renders no object when create is false (bool or string), or without config", () => {
    const base = realisticValues("gpu-operator");
    for (const dcgm of [{ config: { name: "x", create: false } }, { config: { name: "x", create: "false" } }, { serviceMonitor: {} }, null]) {
      const out = render("gpu-operator", "dcgm-exporter.yaml", { ...base, dcgmExporter: dcgm });
      expect(documents(out)).toEqual([]);
      expect(out).toBe(
        "# Metric list for the DCGM exporter deployed by the GPU Operator. The operator values point\n" +
          "# dcgmExporter.config.name at this ConfigMap. It is skipped when the gpu-operator values set\n" +
          "# dcgmExporter.config.create to false (the kind recipes do).\n" +
          "# CSV columns: DCGM field, Prometheus metric type, help text.\n",
      );
    }
  });

  test("without any gpu-operator values the conditional manifests are empty", () => {
    const none = { Values: {}, Release: { Namespace: "gpu-operator", Service: "Helm" }, Chart: { Name: "gpu-operator", Version: "0.1.0" } };
    for (const file of ["dcgm-exporter.yaml", "kernel-module-params.yaml"]) {
      const m = manifests.find((x) => x.file === file);
      expect(documents(renderTemplate(m?.text ?? "", none, "manifest", { base: "manifest" }))).toEqual([]);
    }
  });

  test("kernel-module-params only when driver.kernelModuleConfig.name is set", () => {
    const base = realisticValues("gpu-operator");
    expect(documents(render("gpu-operator", "kernel-module-params.yaml", base))).toEqual([]);
    const withName = { ...base, driver: { kernelModuleConfig: { name: "gb200-params" } } };
    const [cm] = documents(render("gpu-operator", "kernel-module-params.yaml", withName));
    expect(cm?.["metadata"]).toMatchObject({ name: "gb200-params", namespace: "gpu-operator" });
    expect(cm?.["data"]).toEqual({ "nvidia.conf": "options nvidia NVreg_GrdmaPciTopoCheckOverride=1\n" });
  });
});

describe("skyhook-customizations manifests", () => {
  const values = realisticValues("skyhook-customizations");

  test("tuning.yaml: tolerations and node selector from the values, shifted by nindent", () => {
    const out = render("skyhook-customizations", "tuning.yaml", values);
    expect(out).toContain(
      [
        "  name: tuning",
        "  namespace: skyhook",
        "spec:",
        "  # Keep new nodes tainted until the packages have been applied.",
        "  runtimeRequired: true",
        "  autoTaintNewNodes: true",
        "  additionalTolerations:",
        "    - operator: Exists",
        "  nodeSelectors:",
        "    matchLabels:",
        "      nodeGroup: gpu",
        "  packages:",
      ].join("\n"),
    );
    expect(out).toContain("    helm.sh/chart: skyhook-customizations-0.1.0\n");
    const [sky] = documents(out);
    const packages = (sky?.["spec"] as Record<string, Record<string, Record<string, unknown>>>)["packages"];
    expect(packages?.["nvidia-tuned"]?.["configMap"]).toEqual({ intent: "multiNodeTraining", accelerator: "h100", service: "eks" });
    expect(packages?.["nvidia-setup-kernel"]?.["configMap"]).toEqual({ service: "eks", accelerator: "h100" });
  });

  test("tuning.yaml: a workload selector adds podNonInterruptLabels; multi-key values keep yaml.v3 order", () => {
    const out = render("skyhook-customizations", "tuning.yaml", {
      ...values,
      workloadSelector: { app: "train" },
      acceleratedTolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    });
    expect(out).toContain("  additionalTolerations:\n    - effect: NoSchedule\n      key: nvidia.com/gpu\n      operator: Exists\n");
    expect(out).toContain("  podNonInterruptLabels:\n    matchLabels:\n      app: train\n");
  });

  test("tuning.yaml: defaults when the injected values are absent; autoTaintNewNodes false as bool or string", () => {
    const bare = { service: "eks", accelerator: "h100", intent: "training" };
    const out = render("skyhook-customizations", "tuning.yaml", bare);
    expect(out).toContain("  additionalTolerations:\n    - key: dedicated\n      operator: Exists\n  packages:\n");
    expect(out).not.toContain("nodeSelectors");
    for (const v of [false, "false"]) {
      expect(render("skyhook-customizations", "tuning.yaml", { ...bare, autoTaintNewNodes: v })).toContain("  autoTaintNewNodes: false\n");
    }
    expect(render("skyhook-customizations", "tuning.yaml", { ...bare, autoTaintNewNodes: "no" })).toContain("  autoTaintNewNodes: true\n");
  });

  test("enabled=false suppresses the object in all three files", () => {
    for (const file of ["tuning.yaml", "tuning-gke.yaml", "no-op.yaml"]) {
      for (const enabled of [false, "false"]) {
        expect(documents(render("skyhook-customizations", file, { ...values, enabled }))).toEqual([]);
      }
      expect(documents(render("skyhook-customizations", file, { ...values, enabled: true })).length).toBe(1);
    }
  });

  test("tuning-gke.yaml quotes intent and accelerator; no-op.yaml carries its script", () => {
    const [gke] = documents(render("skyhook-customizations", "tuning-gke.yaml", { ...values, service: "gke", intent: "training" }));
    const spec = gke?.["spec"] as Record<string, unknown>;
    expect(spec["runtimeRequired"]).toBeUndefined();
    expect((spec["packages"] as Record<string, Record<string, unknown>>)["tuning"]?.["configMap"]).toEqual({ intent: "training", accelerator: "h100" });
    const [noop] = documents(render("skyhook-customizations", "no-op.yaml", values));
    expect(noop?.["metadata"]).toMatchObject({ name: "no-op", namespace: "skyhook" });
  });
});

describe("kgateway manifests", () => {
  test("the proxy pods follow the kgateway nodeSelector and tolerations", () => {
    const docs = documents(render("kgateway", "inference-gateway.yaml", realisticValues("kgateway")));
    expect(docs.map((d) => d["kind"])).toEqual(["GatewayParameters", "Gateway"]);
    const pod = (((docs[0]?.["spec"] as Record<string, unknown>)["kube"] as Record<string, unknown>)["podTemplate"]) as Record<string, unknown>;
    expect(pod).toEqual({
      extraLabels: { "app.kubernetes.io/managed-by": "aicr" },
      nodeSelector: { nodeGroup: "system" },
      tolerations: [{ effect: "NoSchedule", key: "dedicated", operator: "Equal", value: "system" }],
    });
  });

  test("without scheduling values the pod template has only its labels", () => {
    const out = render("kgateway", "inference-gateway.yaml", valuesFile("kgateway"));
    expect(out).toContain("      extraLabels:\n        app.kubernetes.io/managed-by: aicr\n---\n");
  });
});

test("templates parse once and render many times with different data", () => {
  const m = manifests.find((x) => x.file === "tuning.yaml");
  const t = parseTemplate(m?.text ?? "", "manifest", { base: "manifest" });
  const a = t.execute(manifestData("skyhook-customizations", { enabled: false }));
  const b = t.execute(manifestData("skyhook-customizations", realisticValues("skyhook-customizations")));
  expect(documents(a)).toEqual([]);
  expect(documents(b).length).toBe(1);
});
