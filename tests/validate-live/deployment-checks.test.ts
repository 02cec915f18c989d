/**
 * The deployment-phase checks of `aicr-agent check`, run in-process against the API stand-in:
 * operator pods, the GPU readiness signals of expected-resources (namespaces Active, ClusterPolicy
 * ready, the DRA kubelet-plugin DaemonSet, Skyhook CRs complete), declared expected resources, the
 * GPU Operator version constraint and per-node driver validation. Exit 0 passed, 1 failed, 2 skipped,
 * and the same verdict as JSON in the termination-message file.
 */
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { versionFromImage } from "../../agent/checks/gpu-operator-version.ts";
import type { KubeStandin } from "../support/kube-standin.ts";
import {
  addTypes,
  checkTypes,
  ClusterPolicies,
  DaemonSets,
  Deployments,
  gpuStack,
  HOSTS,
  namespace,
  Namespaces,
  node,
  Nodes,
  pod,
  Pods,
  recipe,
  ref,
  removeSharedCerts,
  REPO,
  runCheck,
  startStandin,
  TUNING_MANIFEST,
  daemonSet,
  deployment,
} from "./helpers.ts";

const tuning = readFileSync(join(REPO, "recipes", TUNING_MANIFEST), "utf8");
const manifests = { [TUNING_MANIFEST]: tuning };
const Skyhooks = ref(checkTypes.skyhooks);

let api: KubeStandin;

/** A GPU cluster where every deployment signal is healthy. */
function healthyCluster(a: KubeStandin): void {
  addTypes(a, checkTypes.skyhooks);
  for (const ns of ["gpu-operator", "nvidia-dra-driver", "skyhook"]) a.put(Namespaces, namespace(ns));
  a.put(Nodes, node("cpu-1"));
  a.put(Nodes, node("gpu-1", { gpus: 8 }));
  a.put(Pods, pod("gpu-operator", "gpu-operator-7c9f", { labels: { app: "gpu-operator" } }));
  a.put(Pods, pod("gpu-operator", "nvidia-operator-validator-x1", { labels: { app: "nvidia-operator-validator" }, nodeName: "gpu-1" }));
  a.put(Deployments, deployment("gpu-operator", "gpu-operator", 1, 1, { labels: { app: "gpu-operator" }, image: "nvcr.io/nvidia/gpu-operator:v25.10.1" }));
  a.put(ClusterPolicies, { metadata: { name: "cluster-policy" }, spec: {}, status: { state: "ready" } });
  a.put(DaemonSets, daemonSet("nvidia-dra-driver", "nvidia-dra-driver-gpu-kubelet-plugin", 2, 2));
  a.put(DaemonSets, daemonSet("nvidia-dra-driver", "nvidia-dra-driver-gpu-controller", 1, 1));
  a.put(Skyhooks, { metadata: { name: "tuning" }, spec: {}, status: { status: "complete" } });
}

const deploymentRecipe = (components = gpuStack(), validation: Record<string, unknown> = {}) => recipe(components, validation);

beforeEach(() => {
  api = startStandin();
  healthyCluster(api);
});
afterEach(() => api.stop());
afterAll(() => removeSharedCerts());

describe("expected-resources", () => {
  test("a healthy GPU stack passes, every signal printed as evidence", async () => {
    const r = await runCheck(api, "expected-resources", deploymentRecipe(), { manifests });
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.result?.status).toBe("passed");
    for (const line of [
      "namespace gpu-operator: Active",
      "namespace nvidia-dra-driver: Active",
      "ClusterPolicy cluster-policy: state ready",
      "DRA kubelet plugin DaemonSet nvidia-dra-driver/nvidia-dra-driver-gpu-kubelet-plugin: 2/2 ready",
      "Skyhook tuning: complete",
    ]) {
      expect(r.out).toContain(`ok    ${line}`);
    }
    expect(r.out).toContain("check expected-resources: passed: all 6 deployment resources and readiness signals are healthy");
  });

  test("ClusterPolicy not ready fails with the state it reports", async () => {
    api.put(ClusterPolicies, { metadata: { name: "cluster-policy" }, status: { state: "notReady" } });
    const r = await runCheck(api, "expected-resources", deploymentRecipe(), { manifests });
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({ check: "expected-resources", status: "failed", message: "ClusterPolicy cluster-policy: state notReady (want ready)" });
  });

  test("the ClusterPolicy CRD registered but no ClusterPolicy: CR missing, fails", async () => {
    const bare = startStandin();
    try {
      bare.put(Namespaces, namespace("gpu-operator"));
      const r = await runCheck(bare, "expected-resources", deploymentRecipe([{ name: "gpu-operator", namespace: "gpu-operator" }]));
      expect(r.code).toBe(1);
      expect(r.result?.message).toBe("ClusterPolicy: CR missing (the CRD is registered but no ClusterPolicy exists)");
    } finally {
      bare.stop();
    }
  });

  test("a CRD that is not registered skips its signal; with nothing else to verify the check is skipped", async () => {
    api.addHandler((_req, url) => (url.pathname === "/apis/nvidia.com/v1" ? new Response('{"kind":"Status","code":404,"reason":"NotFound","message":"not found"}', { status: 404 }) : undefined));
    const withNs = await runCheck(api, "expected-resources", deploymentRecipe([{ name: "gpu-operator", namespace: "gpu-operator" }]));
    expect(withNs.code).toBe(0);
    expect(withNs.out).toContain("skip  ClusterPolicy: CRD clusterpolicies.nvidia.com is not registered (GPU Operator not installed yet)");
    expect(withNs.result?.message).toContain("(1 not applicable: ClusterPolicy: CRD clusterpolicies.nvidia.com is not registered");
    const alone = await runCheck(api, "expected-resources", deploymentRecipe([{ name: "gpu-operator" }]));
    expect(alone.code).toBe(2);
    expect(alone.result).toMatchObject({ status: "skipped", message: "ClusterPolicy: CRD clusterpolicies.nvidia.com is not registered (GPU Operator not installed yet)" });
  });

  test("a Terminating or missing component namespace fails", async () => {
    api.put(Namespaces, namespace("nvidia-dra-driver", "Terminating"));
    const components = [...gpuStack(), { name: "cert-manager", namespace: "cert-manager" }];
    const r = await runCheck(api, "expected-resources", deploymentRecipe(components), { manifests });
    expect(r.code).toBe(1);
    expect(r.result?.details).toContain("namespace nvidia-dra-driver: phase Terminating (want Active)");
    expect(r.result?.details).toContain("namespace cert-manager: not found");
    expect(r.result?.message).toBe("2 problems: namespace nvidia-dra-driver: phase Terminating (want Active); ...");
  });

  test("the DRA kubelet plugin: found by its suffix whatever the release name; not ready, missing or ambiguous fails", async () => {
    api.put(DaemonSets, daemonSet("nvidia-dra-driver", "nvidia-dra-driver-gpu-kubelet-plugin", 3, 1));
    let r = await runCheck(api, "expected-resources", deploymentRecipe(), { manifests });
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("DRA kubelet plugin DaemonSet nvidia-dra-driver/nvidia-dra-driver-gpu-kubelet-plugin: 1/3 ready");

    const renamed = startStandin();
    try {
      healthyCluster(renamed);
      renamed.put(Namespaces, namespace("dra"));
      renamed.put(DaemonSets, daemonSet("dra", "custom-fullname-kubelet-plugin", 2, 2));
      const components = [{ name: "nvidia-dra-driver-gpu", namespace: "dra" }];
      r = await runCheck(renamed, "expected-resources", deploymentRecipe(components));
      expect(r.code).toBe(0);
      expect(r.out).toContain("DRA kubelet plugin DaemonSet dra/custom-fullname-kubelet-plugin: 2/2 ready");
      renamed.put(DaemonSets, daemonSet("dra", "second-kubelet-plugin", 2, 2));
      r = await runCheck(renamed, "expected-resources", deploymentRecipe(components));
      expect(r.code).toBe(1);
      expect(r.result?.message).toContain("2 DaemonSets named *-kubelet-plugin in namespace dra (custom-fullname-kubelet-plugin, second-kubelet-plugin); expected one");
      r = await runCheck(renamed, "expected-resources", deploymentRecipe([{ name: "nvidia-dra-driver-gpu", namespace: "skyhook" }]));
      expect(r.result?.message).toBe("DRA kubelet plugin: no DaemonSet named *-kubelet-plugin in namespace skyhook");
    } finally {
      renamed.stop();
    }
  });

  test("Skyhook CRs named in the recipe's own manifests must be complete; unrelated CRs are ignored", async () => {
    api.put(Skyhooks, { metadata: { name: "stale-from-another-tenant" }, status: { status: "erroring" } });
    let r = await runCheck(api, "expected-resources", deploymentRecipe(), { manifests });
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("stale-from-another-tenant");
    api.put(Skyhooks, { metadata: { name: "tuning" }, status: { status: "in_progress" } });
    r = await runCheck(api, "expected-resources", deploymentRecipe(), { manifests });
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("Skyhook tuning: status in_progress (want complete)");
  });

  test("a declared Skyhook CR that does not exist fails", async () => {
    const noOp = readFileSync(join(REPO, "recipes", "components", "skyhook-customizations", "manifests", "no-op.yaml"), "utf8");
    const path = "components/skyhook-customizations/manifests/no-op.yaml";
    const r = await runCheck(api, "expected-resources", deploymentRecipe(gpuStack({ skyhookManifests: [path] })), { manifests: { [path]: noOp } });
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("Skyhook no-op: not found (the recipe declares it but the cluster has no such CR)");
  });

  test("no Skyhook name extractable fails closed, never skips", async () => {
    const templated = "apiVersion: skyhook.nvidia.com/v1alpha1\nkind: Skyhook\nmetadata:\n  name: {{ .Values.name }}\nspec: {}\n";
    const path = "components/skyhook-customizations/manifests/templated.yaml";
    let r = await runCheck(api, "expected-resources", deploymentRecipe(gpuStack({ skyhookManifests: [path] })), { manifests: { [path]: templated } });
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe(`Skyhook: no Skyhook CR names could be extracted from component skyhook-customizations (none of ${path} declares a Skyhook with a literal name)`);
    r = await runCheck(api, "expected-resources", deploymentRecipe(gpuStack({ skyhookManifests: [] })));
    expect(r.result?.message).toBe("Skyhook: no Skyhook CR names could be extracted from component skyhook-customizations (it names no manifest files)");
    r = await runCheck(api, "expected-resources", deploymentRecipe());
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe(`Skyhook: no Skyhook CR names could be extracted from component skyhook-customizations (the manifests were not provided: ${TUNING_MANIFEST})`);
  });

  test("the Skyhook CRD not registered: that signal is skipped, the rest still decides", async () => {
    const fresh = startStandin();
    try {
      for (const ns of ["gpu-operator", "nvidia-dra-driver", "skyhook"]) fresh.put(Namespaces, namespace(ns));
      fresh.put(ClusterPolicies, { metadata: { name: "cluster-policy" }, status: { state: "ready" } });
      fresh.put(DaemonSets, daemonSet("nvidia-dra-driver", "nvidia-dra-driver-gpu-kubelet-plugin", 1, 1));
      const r = await runCheck(fresh, "expected-resources", deploymentRecipe(), { manifests });
      expect(r.code).toBe(0);
      expect(r.out).toContain("skip  Skyhook: CRD skyhooks.skyhook.nvidia.com is not registered (skyhook operator not installed yet); expected tuning");
    } finally {
      fresh.stop();
    }
  });

  test("403 on the Skyhook CR fails (an RBAC denial is not a missing CRD)", async () => {
    api.forbid({ resource: "skyhooks", user: "limited" });
    const r = await runCheck(api, "expected-resources", deploymentRecipe(), { manifests, user: "limited" });
    expect(r.code).toBe(1);
    expect(r.result?.message).toMatch(/^Skyhook tuning: cannot read: .*is not allowed to get skyhooks\.skyhook\.nvidia\.com/);
  });

  test("declared expectedResources: healthy, unhealthy, absent and unknown kinds", async () => {
    api.put(Deployments, deployment("gpu-operator", "node-feature-discovery-master", 1, 1));
    api.put(Deployments, deployment("gpu-operator", "slow-controller", 2, 1));
    const components = [
      {
        name: "gpu-operator",
        namespace: "gpu-operator",
        expectedResources: [
          { kind: "Deployment", name: "node-feature-discovery-master" },
          { kind: "Deployment", name: "slow-controller" },
          { kind: "DaemonSet", name: "nvidia-driver-daemonset" },
          { kind: "Widget", name: "w1" },
        ],
      },
    ];
    const r = await runCheck(api, "expected-resources", deploymentRecipe(components));
    expect(r.code).toBe(1);
    expect(r.out).toContain("ok    Deployment gpu-operator/node-feature-discovery-master (gpu-operator): 1/1 available");
    expect(r.result?.details).toEqual([
      "Deployment gpu-operator/slow-controller (gpu-operator): 1/2 available",
      "DaemonSet gpu-operator/nvidia-driver-daemonset (gpu-operator): not found",
      "Widget gpu-operator/w1 (gpu-operator): kind Widget is not served by the cluster",
    ]);
  });

  test("the recipe cannot be read: status error and an exit status that is not a verdict", async () => {
    api.inject({ method: "GET", path: /\/configmaps\/aicr-recipe-test$/, status: 404, times: 1 });
    const missing = await runCheck(api, "expected-resources", deploymentRecipe());
    expect(missing.code).toBe(3);
    expect(missing.result).toMatchObject({ status: "error" });
    expect(missing.err).toContain("cannot read the recipe ConfigMap aicr-validation/aicr-recipe-test");
  });
});

describe("operator-health", () => {
  test("running and ready operator pods pass; the evidence counts them", async () => {
    const r = await runCheck(api, "operator-health", deploymentRecipe());
    expect(r.code).toBe(0);
    expect(r.out).toContain("found 1 operator pod, 1 running");
    expect(r.result?.message).toBe("1 of 1 GPU Operator pod running and ready in gpu-operator");
  });

  test("a pod that is not ready fails; no operator pod fails; no gpu-operator component skips", async () => {
    api.put(Pods, pod("gpu-operator", "gpu-operator-7c9f", { labels: { app: "gpu-operator" }, ready: false, phase: "Pending", waiting: "ImagePullBackOff" }));
    let r = await runCheck(api, "operator-health", deploymentRecipe());
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("pod gpu-operator/gpu-operator-7c9f: phase Pending, not ready (ImagePullBackOff)");
    r = await runCheck(api, "operator-health", deploymentRecipe([{ name: "gpu-operator", namespace: "elsewhere" }]));
    expect(r.result?.message).toBe("no GPU Operator pod in namespace elsewhere (labels app=gpu-operator or app.kubernetes.io/component=gpu-operator)");
    r = await runCheck(api, "operator-health", deploymentRecipe([{ name: "cert-manager", namespace: "cert-manager" }]));
    expect(r.code).toBe(2);
    expect(r.result).toMatchObject({ status: "skipped", message: "the recipe has no gpu-operator component" });
  });

  test("an operator disabled by an enabled: false override is not checked", async () => {
    const r = await runCheck(api, "operator-health", deploymentRecipe([{ name: "gpu-operator", namespace: "gpu-operator", overrides: { enabled: false } }]));
    expect(r.code).toBe(2);
  });
});

describe("gpu-operator-version", () => {
  const constraint = (value: string) => ({ deployment: { checks: ["gpu-operator-version"], constraints: [{ name: "Deployment.gpu-operator.version", value }] } });

  test("the installed version from the image tag satisfies the constraint", async () => {
    const r = await runCheck(api, "gpu-operator-version", deploymentRecipe(gpuStack(), constraint(">= v24.6.0")));
    expect(r.code).toBe(0);
    expect(r.result).toEqual({
      check: "gpu-operator-version",
      status: "passed",
      message: "GPU Operator v25.10.1 satisfies >= v24.6.0",
      constraint: "Deployment.gpu-operator.version",
      expected: ">= v24.6.0",
      actual: "v25.10.1",
    });
  });

  test("an older operator fails with expected and actual; no constraint skips", async () => {
    api.put(Deployments, deployment("gpu-operator", "gpu-operator", 1, 1, { labels: { app: "gpu-operator" }, image: "nvcr.io/nvidia/gpu-operator:v24.3.0-ubi8" }));
    const r = await runCheck(api, "gpu-operator-version", deploymentRecipe(gpuStack(), constraint(">= v24.6.0")));
    expect(r.code).toBe(1);
    expect(r.result).toMatchObject({ status: "failed", expected: ">= v24.6.0", actual: "v24.3.0" });
    const none = await runCheck(api, "gpu-operator-version", deploymentRecipe());
    expect(none.code).toBe(2);
    expect(none.result?.message).toBe("the recipe sets no Deployment.gpu-operator.version constraint");
  });

  test("versions from image references", () => {
    expect(versionFromImage("nvcr.io/nvidia/gpu-operator:v24.9.0")).toBe("v24.9.0");
    expect(versionFromImage("nvcr.io/nvidia/gpu-operator:24.9.0-ubi8")).toBe("v24.9.0");
    expect(versionFromImage("registry:5000/nvidia/gpu-operator:v25.3.1")).toBe("v25.3.1");
    expect(versionFromImage("registry:5000/nvidia/gpu-operator")).toBeUndefined();
    expect(versionFromImage("nvcr.io/nvidia/gpu-operator@sha256:abcd")).toBeUndefined();
    expect(versionFromImage("nvcr.io/nvidia/gpu-operator:latest")).toBeUndefined();
  });
});

describe("check-nvidia-smi", () => {
  test("every GPU node has GPUs allocatable and a ready driver validation pod", async () => {
    const r = await runCheck(api, "check-nvidia-smi", deploymentRecipe());
    expect(r.code).toBe(0);
    expect(r.out).toContain("ok    node gpu-1: 8 GPUs allocatable, driver validated (nvidia-operator-validator-x1 phase Running, ready)");
    expect(r.out).toContain("nvidia-smi is not reachable under");
  });

  test("with the host mounted, nvidia-smi on this node is run too", async () => {
    const r = await runCheck(api, "check-nvidia-smi", deploymentRecipe(), { env: { AICR_HOST_ROOT: join(HOSTS, "ubuntu-24.04") } });
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain("ok    nvidia-smi on this node: 8 GPUs (NVIDIA H100 80GB HBM3), driver 550.127.08");
  });

  test("a node whose driver validation is not ready fails; a cluster without GPU nodes fails", async () => {
    api.put(Nodes, node("gpu-2", { gpus: 8 }));
    api.put(Pods, pod("gpu-operator", "nvidia-operator-validator-x2", { labels: { app: "nvidia-operator-validator" }, nodeName: "gpu-2", ready: false, phase: "Pending" }));
    let r = await runCheck(api, "check-nvidia-smi", deploymentRecipe());
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("node gpu-2: driver validation nvidia-operator-validator-x2 phase Pending, not ready");
    const empty = startStandin();
    try {
      empty.put(Nodes, node("cpu-1"));
      r = await runCheck(empty, "check-nvidia-smi", deploymentRecipe());
      expect(r.code).toBe(1);
      expect(r.result?.message).toBe("no GPU node in the cluster (no node labelled nvidia.com/gpu.present=true)");
    } finally {
      empty.stop();
    }
  });
});
