/**
 * Every Kubernetes object the bundles carry (the local charts' templates, after rendering) validates with
 * kubernetes-models; custom resources without a model get their metadata validated. Chart.yaml files are
 * well-formed Helm v2 chart metadata.
 */
import { describe, expect, test } from "bun:test";
import { ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { parseAllDocuments } from "yaml";
import type { FileTree } from "../../core/bundle/file-tree.ts";
import { bundleOf, goldenCases, loadRecipe } from "./helpers.ts";

type Validatable = { validate(): void };
const models: Record<string, new (data: any) => Validatable> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/ResourceQuota": ResourceQuota,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "apps/v1/DaemonSet": DaemonSet,
  "apps/v1/Deployment": Deployment,
  "apiextensions.k8s.io/v1/CustomResourceDefinition": CustomResourceDefinition,
};
/** Custom resources of the catalogue (no model in kubernetes-models): metadata is validated. */
const customKinds = new Set([
  "skyhook.nvidia.com/v1alpha1/Skyhook",
  "trainer.kubeflow.org/v1alpha1/ClusterTrainingRuntime",
  "gateway.kgateway.dev/v1alpha1/GatewayParameters",
  "gateway.networking.k8s.io/v1/Gateway",
]);

const trees: [string, FileTree][] = [
  ["training", bundleOf(loadRecipe(goldenCases.training)).tree],
  ["inference", bundleOf(loadRecipe(goldenCases.inference)).tree],
  [
    "inference with every scheduling option",
    bundleOf(loadRecipe(goldenCases.inference), {
      systemNodeSelector: ["nodeGroup=system"],
      systemNodeTolerations: ["dedicated=system:NoSchedule"],
      acceleratedNodeSelector: ["nodeGroup=gpu"],
      acceleratedNodeTolerations: ["dedicated=gpu:NoExecute", "nvidia.com/gpu:NoSchedule"],
      workloadSelector: ["app=train"],
      workloadGate: "skyhook.nvidia.com=runtime-required:NoSchedule",
    }).tree,
  ],
];

describe("Kubernetes objects in local charts", () => {
  for (const [name, tree] of trees) {
    const templates = [...tree.entries()].filter(([p]) => /^\d{3}-[^/]+\/templates\//.test(p));

    test(`${name}: every rendered template object validates`, () => {
      expect(templates.length).toBeGreaterThan(0);
      let objects = 0;
      for (const [path, file] of templates) {
        for (const doc of parseAllDocuments(file.content) as ReturnType<typeof parseAllDocuments> & unknown[]) {
          expect(doc.errors, path).toEqual([]);
          const obj = doc.toJS() as Record<string, unknown> | null;
          if (obj === null) continue;
          objects++;
          const key = `${obj["apiVersion"]}/${obj["kind"]}`;
          const Model = models[key];
          if (Model) {
            expect(() => new Model(obj).validate(), `${path}: ${key}`).not.toThrow();
          } else {
            expect(customKinds.has(key), `${path}: ${key} has no model and is not a known custom resource`).toBe(true);
            expect(() => new ObjectMeta(obj["metadata"] as object).validate(), `${path}: ${key} metadata`).not.toThrow();
          }
          const meta = obj["metadata"] as Record<string, unknown> | undefined;
          expect(Object.keys(meta?.["annotations"] ?? {}).filter((a) => a === "helm.sh/hook"), path).toEqual([]);
        }
      }
      expect(objects).toBeGreaterThan(0);
    });

    test(`${name}: Chart.yaml of every local chart is Helm v2 chart metadata`, () => {
      const charts = [...tree.entries()].filter(([p]) => p.endsWith("/Chart.yaml"));
      expect(charts.length).toBeGreaterThan(0);
      for (const [path, file] of charts) {
        const release = (path.split("/")[0] as string).replace(/^\d{3}-/, "");
        const chart = (parseAllDocuments(file.content) as unknown as { toJS(): Record<string, unknown> }[])[0]?.toJS();
        expect(chart, path).toEqual({
          apiVersion: "v2",
          name: release,
          description: expect.any(String),
          type: "application",
          version: "0.1.0",
          appVersion: "0.1.0",
        });
        expect(tree.has(path.replace("Chart.yaml", "install.sh"))).toBe(true);
      }
    });
  }

  test("a validating model really rejects a broken object (the check has teeth)", () => {
    expect(() => new ConfigMap({ metadata: { name: "x" }, data: { a: 1 as unknown as string } }).validate()).toThrow();
  });
});
