/** What the bundle options do to the tree: --set, enabled, --dynamic, scheduling, nodes, storage class. */
import { describe, expect, test } from "bun:test";
import type { FileTree } from "../../core/bundle/file-tree.ts";
import type { RecipeResult } from "../../core/recipe/result.ts";
import { bundleOf, goldenCases, loadRecipe, parseValues } from "./helpers.ts";

const training = loadRecipe(goldenCases.training);
const inference = loadRecipe(goldenCases.inference);

const text = (tree: FileTree, path: string): string => {
  const f = tree.get(path);
  if (!f) throw new Error(`no ${path} in the tree (have: ${[...tree.keys()].filter((p) => p.endsWith(path.split("/").pop() as string)).join(", ")})`);
  return f.content;
};
const folderOf = (tree: FileTree, release: string) => {
  const dir = [...tree.keys()].map((p) => p.split("/")[0] as string).find((d) => d.replace(/^\d{3}-/, "") === release);
  if (!dir) throw new Error(`no folder for ${release}`);
  return dir;
};
const values = (tree: FileTree, release: string, file = "values.yaml") => parseValues(text(tree, `${folderOf(tree, release)}/${file}`));
const folders = (tree: FileTree) => [...new Set([...tree.keys()].filter((p) => /^\d{3}-/.test(p)).map((p) => p.split("/")[0]))];

describe("--set", () => {
  test("by component name and by registry alias, converted, last one wins", () => {
    const { tree } = bundleOf(training, {
      set: ["gpuoperator:driver.version=570.1.2", "gpu-operator:driver.maxParallelUpgrades=2", "gpuoperator:driver.version=580.95.05", "gpuoperator:newKey.flag=true", "gpuoperator:newKey.ratio=0.5"],
    });
    const v = values(tree, "gpu-operator") as { driver: Record<string, unknown>; newKey: unknown };
    expect(v.driver["version"]).toBe("580.95.05");
    expect(v.driver["maxParallelUpgrades"]).toBe(2);
    expect(v.newKey).toEqual({ flag: true, ratio: 0.5 });
  });

  test("nodewright-* names reach the skyhook components", () => {
    const { tree } = bundleOf(training, { set: ["nodewright-operator:controllerManager.replicas=3", "nodewright-customizations:autoTaintNewNodes=false"] });
    expect((values(tree, "skyhook-operator")["controllerManager"] as Record<string, unknown>)["replicas"]).toBe(3);
    expect(values(tree, "skyhook-customizations")["autoTaintNewNodes"]).toBe(false);
    expect(text(tree, `${folderOf(tree, "skyhook-customizations")}/templates/tuning.yaml`)).toContain("autoTaintNewNodes: false");
  });

  test("a path through a non-map value is an error naming the flag", () => {
    expect(() => bundleOf(training, { set: ["gpuoperator:driver.version.major=1"] })).toThrow('invalid --set "gpuoperator:driver.version.major=1"');
  });

  test("an unknown component, or one not in the recipe, is an error", () => {
    expect(() => bundleOf(training, { set: ["nosuch:a=1"] })).toThrow('unknown component "nosuch" in --set "nosuch:a=1"');
    expect(() => bundleOf(training, { set: ["dynamo:a=1"] })).toThrow('--set "dynamo:a=1" targets component "dynamo", which is not in the recipe');
  });

  test("enabled=false drops a component everywhere and is not a Helm value", () => {
    const { tree } = bundleOf(training, { set: ["kaischeduler:enabled=false", "gpuoperator:enabled=true"] });
    expect(folders(tree).some((d) => d?.endsWith("kai-scheduler"))).toBe(false);
    const recipe = text(tree, "recipe.yaml");
    expect(recipe).not.toContain("kai-scheduler");
    expect(values(tree, "gpu-operator")["enabled"]).toBeUndefined();
    expect(text(tree, "README.md")).not.toContain("kai-scheduler");
  });

  test("enabled=true brings back a component the recipe disabled, in recipe.yaml and its values", () => {
    const disabled: RecipeResult = structuredClone(training);
    const ref = disabled.componentRefs.find((r) => r.name === "skyhook-customizations");
    if (!ref) throw new Error("fixture changed");
    ref.overrides = { ...ref.overrides, enabled: false };
    expect(folders(bundleOf(disabled).tree).some((d) => d?.endsWith("skyhook-customizations"))).toBe(false);
    const { tree } = bundleOf(disabled, { set: ["skyhookcustomizations:enabled=true"] });
    expect(values(tree, "skyhook-customizations")["enabled"]).toBe(true);
    expect(text(tree, `${folderOf(tree, "skyhook-customizations")}/templates/tuning.yaml`)).toContain("kind: Skyhook");
  });

  test("every component disabled is an error", () => {
    const names = training.componentRefs.map((r) => `${r.name}:enabled=false`);
    expect(() => bundleOf(training, { set: names })).toThrow("recipe has no enabled components after filtering");
  });
});

describe("--dynamic", () => {
  test("moves values to cluster-values.yaml; an absent path becomes an empty string there", () => {
    const { tree } = bundleOf(training, { dynamic: ["gpuoperator:driver.version", "gpu-operator:clusterName"] });
    const stat = values(tree, "gpu-operator") as { driver: Record<string, unknown> };
    const dyn = values(tree, "gpu-operator", "cluster-values.yaml");
    expect(stat.driver["version"]).toBeUndefined();
    expect(stat.driver["enabled"]).toBe(true);
    expect(dyn).toEqual({ clusterName: "", driver: { version: "580.105.08" } });
    // The -post chart of the same component gets the same split.
    expect(values(tree, "gpu-operator-post", "cluster-values.yaml")).toEqual(dyn);
    expect(text(tree, "README.md")).toContain("`driver.version`, `clusterName`");
    // Components without dynamic paths get a header-only file, and install.sh always passes it.
    expect(text(tree, `${folderOf(tree, "cert-manager")}/cluster-values.yaml`)).toBe("# Generated by AICR\n---\n");
    expect(text(tree, `${folderOf(tree, "cert-manager")}/install.sh`)).toContain("-f values.yaml -f cluster-values.yaml");
  });

  test("an unknown component is an error", () => {
    expect(() => bundleOf(training, { dynamic: ["nosuch:a"] })).toThrow('unknown component "nosuch" in --dynamic "nosuch:a"');
  });
});

describe("scheduling injection", () => {
  test("defaults: every toleration path tolerates everything; no selectors are written", () => {
    const { tree } = bundleOf(training);
    const gpu = values(tree, "gpu-operator") as Record<string, Record<string, unknown>>;
    expect(gpu["daemonsets"]?.["tolerations"]).toEqual([{ operator: "Exists" }]);
    expect(gpu["daemonsets"]?.["nodeSelector"]).toBeUndefined();
    expect((gpu["node-feature-discovery"]?.["worker"] as Record<string, unknown>)["tolerations"]).toEqual([{ operator: "Exists" }]);
    expect(gpu["operator"]?.["tolerations"]).toEqual([{ operator: "Exists" }]);
  });

  test("system and accelerated selectors and tolerations land at the registry paths; NFD workers get no selector", () => {
    const { tree } = bundleOf(training, {
      systemNodeSelector: ["nodeGroup=system-worker"],
      systemNodeTolerations: ["dedicated=system-workload:NoSchedule", "dedicated=system-workload:NoExecute"],
      acceleratedNodeSelector: ["nodeGroup=gpu-worker"],
      acceleratedNodeTolerations: ["dedicated=worker-workload:NoSchedule"],
    });
    const gpu = values(tree, "gpu-operator") as Record<string, Record<string, unknown>>;
    const nfd = gpu["node-feature-discovery"] as Record<string, Record<string, unknown>>;
    const sysTol = [
      { effect: "NoSchedule", key: "dedicated", operator: "Equal", value: "system-workload" },
      { effect: "NoExecute", key: "dedicated", operator: "Equal", value: "system-workload" },
    ];
    const accTol = [{ effect: "NoSchedule", key: "dedicated", operator: "Equal", value: "worker-workload" }];
    expect(gpu["operator"]?.["nodeSelector"]).toEqual({ nodeGroup: "system-worker" });
    expect(gpu["operator"]?.["tolerations"]).toEqual(sysTol);
    expect(nfd["master"]?.["nodeSelector"]).toEqual({ nodeGroup: "system-worker" });
    expect(gpu["daemonsets"]?.["nodeSelector"]).toEqual({ nodeGroup: "gpu-worker" });
    expect(gpu["daemonsets"]?.["tolerations"]).toEqual(accTol);
    expect(nfd["worker"]?.["tolerations"]).toEqual(accTol);
    expect(nfd["worker"]?.["nodeSelector"]).toBeUndefined();
    const sc = values(tree, "skyhook-customizations");
    expect(sc["acceleratedNodeSelector"]).toEqual({ nodeGroup: "gpu-worker" });
    const tuning = text(tree, `${folderOf(tree, "skyhook-customizations")}/templates/tuning.yaml`);
    expect(tuning).toContain("nodeGroup: gpu-worker");
    expect(tuning).toContain("value: worker-workload");
  });

  test("--workload-gate, --nodes and --workload-selector", () => {
    const { tree, plan } = bundleOf(training, {
      workloadGate: "skyhook.nvidia.com=runtime-required:NoSchedule",
      nodes: 8,
      workloadSelector: ["app=train"],
      acceleratedNodeSelector: ["nodeGroup=gpu"],
    });
    const op = values(tree, "skyhook-operator") as Record<string, unknown>;
    expect(((op["controllerManager"] as Record<string, Record<string, Record<string, unknown>>>)["manager"]?.["env"])?.["runtimeRequiredTaint"]).toBe(
      "skyhook.nvidia.com=runtime-required:NoSchedule",
    );
    expect(op["estimatedNodeCount"]).toBe(8);
    expect(values(tree, "skyhook-customizations")["workloadSelector"]).toEqual({ app: "train" });
    expect(text(tree, `${folderOf(tree, "skyhook-customizations")}/templates/tuning.yaml`)).toContain("podNonInterruptLabels:");
    // Both selectors given: no validation warnings.
    expect(plan.notes).toEqual([]);
  });

  test("registry validations: training warns about both selectors, inference about the accelerated one", () => {
    const t = bundleOf(training).plan.notes;
    expect(t).toHaveLength(2);
    expect(t[0]).toStartWith("Warning: skyhook-customizations is enabled but --workload-selector is not set. ");
    expect(t[1]).toStartWith("Warning: skyhook-customizations is enabled but --accelerated-node-selector is not set. ");
    const i = bundleOf(inference).plan.notes;
    expect(i).toHaveLength(1);
    expect(i[0]).toContain("--accelerated-node-selector");
  });
});

describe("--storage-class", () => {
  const path = ["prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "storageClassName"];
  const at = (v: unknown, p: string[]): unknown => p.reduce<unknown>((cur, k) => (cur as Record<string, unknown> | undefined)?.[k], v);

  test("without it the recipe's storage class stays", () => {
    expect(at(values(bundleOf(training).tree, "kube-prometheus-stack"), path)).toBe("gp2");
  });

  test("it replaces the recipe value at every storageClassPaths entry", () => {
    const { tree } = bundleOf(inference, { storageClass: "fast-ssd" });
    expect(at(values(tree, "kube-prometheus-stack"), path)).toBe("fast-ssd");
    expect(at(values(tree, "dynamo-platform"), ["nats", "config", "jetstream", "fileStore", "pvc", "storageClassName"])).toBe("fast-ssd");
  });

  test("an explicit --set on the same path wins", () => {
    const { tree } = bundleOf(training, { storageClass: "fast-ssd", set: [`prometheus:${path.join(".")}=premium`] });
    expect(at(values(tree, "kube-prometheus-stack"), path)).toBe("premium");
  });
});

describe("recipe.yaml and layout", () => {
  test("recipe.yaml is the recipe restricted to the bundled components", () => {
    const { tree } = bundleOf(training, { set: ["nvsentinel:enabled=false"] });
    const recipe = text(tree, "recipe.yaml");
    expect(recipe).toStartWith("kind: RecipeResult\napiVersion: aicr.nvidia.com/v1alpha1\n");
    expect(recipe).not.toContain("nvsentinel");
    expect(recipe).toContain("  - nvidia-dra-driver-gpu\nvalidation:");
  });

  test("a dcgm-exporter manifest that renders empty gives gpu-operator no -post folder", () => {
    const { tree } = bundleOf(training, { set: ["gpuoperator:dcgmExporter.config.create=false"] });
    expect(folders(tree).some((d) => d?.endsWith("gpu-operator-post"))).toBe(false);
    expect(text(tree, "README.md")).not.toContain("gpu-operator-post");
  });

  test("every deployer name resolves to a deployer that renders its own tree", () => {
    const marker: Record<string, string> = { helmfile: "helmfile.yaml", flux: "kustomization.yaml", argocd: "app-of-apps.yaml", "argocd-helm": "Chart.yaml" };
    for (const [d, file] of Object.entries(marker)) {
      const { tree } = bundleOf(training, { deployer: d, repo: "https://git.example.com/platform/gpu.git" });
      expect([...tree.keys()]).toContain(file);
      expect([...tree.keys()]).not.toContain("deploy.sh");
    }
  });
});

describe("deployers as the CLI loads them", () => {
  test("every deployer name loads the same deployer the registry has", async () => {
    const { deployerModules } = await import("../../cli/deployer-modules.ts");
    const { deployers } = await import("../../core/bundle/deployers/index.ts");
    const { deployerNames } = await import("../../core/bundle/options.ts");
    expect(Object.keys(deployerModules).sort()).toEqual([...deployerNames].sort());
    for (const name of deployerNames) expect(await deployerModules[name]()).toBe(deployers[name] as never);
  });
});
