/** undeploy.sh against fake helm/kubectl: reverse order, PVCs, namespaces, stuck releases, webhooks, flags. */
import { afterAll, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { bundleOf, goldenCases, loadRecipe, removeDir, tempDir, writeBundle, SPAWNING_TEST_TIMEOUT_MS } from "./helpers.ts";
import { fakeCluster, type FakeCluster } from "./fake-cluster.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const root = tempDir("aicr-undeploy-");
afterAll(() => removeDir(root));
const bundleDir = writeBundle(bundleOf(loadRecipe(goldenCases.training)).tree, join(root, "bundle"));
const reverse = [
  "nvsentinel",
  "nvidia-dra-driver-gpu",
  "kubeflow-trainer-post",
  "kubeflow-trainer",
  "kai-scheduler",
  "gpu-operator-post",
  "gpu-operator",
  "skyhook-customizations",
  "skyhook-operator",
  "prometheus-adapter",
  "k8s-ephemeral-storage-metrics",
  "kube-prometheus-stack",
  "cert-manager",
  "aws-efa",
  "aws-ebs-csi-driver",
];

let fake: FakeCluster;
let n = 0;
beforeEach(() => {
  fake = fakeCluster(join(root, `fake-${n++}`));
});

function undeploy(args: string[]) {
  const p = Bun.spawnSync(["bash", join(bundleDir, "undeploy.sh"), ...args], { cwd: root, env: fake.env(), stdin: "ignore" });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

const uninstalls = () => fake.calls().filter((c) => c.includes("] uninstall "));
const releaseOf = (call: string) => call.split("] uninstall ")[1]?.split(" ")[0];
const indexOf = (pred: (c: string) => boolean) => fake.calls().findIndex(pred);
const lastIndexOf = (pred: (c: string) => boolean) => fake.calls().findLastIndex(pred);

describe("undeploy.sh", () => {
  test("uninstalls every release in reverse folder order with the default timeout", () => {
    const r = undeploy([]);
    expect(r.code, r.stderr).toBe(0);
    expect(uninstalls().map(releaseOf)).toEqual(reverse);
    for (const c of uninstalls()) expect(c).toContain("--timeout 120s --ignore-not-found");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("Undeployment complete.");
  });

  test("local charts: their rendered objects are deleted before the release is uninstalled", () => {
    undeploy([]);
    const del = indexOf((c) => c.startsWith("kubectl delete -f ") && c.includes("-gpu-operator-post/templates/"));
    const un = indexOf((c) => c.includes("] uninstall gpu-operator-post "));
    expect(del).toBeGreaterThan(-1);
    expect(un).toBeGreaterThan(del);
  });

  test("PVCs are kept by default; namespaces are cleaned once, after every release is gone, never protected ones", () => {
    undeploy([]);
    const calls = fake.calls();
    expect(calls.some((c) => c.includes("delete pvc"))).toBe(false);
    const lastUninstall = lastIndexOf((c) => c.includes("] uninstall "));
    const nsDeletes = calls.filter((c) => c.startsWith("kubectl delete namespace "));
    expect(nsDeletes.map((c) => c.split(" ")[3])).toEqual([
      "nvsentinel",
      "nvidia-dra-driver",
      "kubeflow",
      "kai-scheduler",
      "gpu-operator",
      "skyhook",
      "monitoring",
      "cert-manager",
      "kai-resource-reservation",
    ]);
    expect(indexOf((c) => c.startsWith("kubectl delete namespace "))).toBeGreaterThan(lastUninstall);
  });

  test("--delete-pvcs deletes PVCs once per shared namespace, after all releases, never in kube-system", () => {
    undeploy(["--delete-pvcs"]);
    const pvcs = fake.calls().filter((c) => c.includes("delete pvc --all"));
    expect(pvcs.filter((c) => c.includes("-n monitoring"))).toHaveLength(1);
    expect(pvcs.some((c) => c.includes("-n kube-system"))).toBe(false);
    expect(indexOf((c) => c.includes("delete pvc"))).toBeGreaterThan(lastIndexOf((c) => c.includes("] uninstall ")));
  });

  test("--keep-namespaces leaves namespaces alone", () => {
    undeploy(["--keep-namespaces"]);
    expect(fake.calls().some((c) => c.startsWith("kubectl delete namespace"))).toBe(false);
  });

  test("a release stuck in pending-install is removed without hooks", () => {
    fake.helmStatus("kube-prometheus-stack", "pending-install");
    undeploy([]);
    const calls = uninstalls().filter((c) => releaseOf(c) === "kube-prometheus-stack");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain("--no-hooks");
  });

  test("a failed uninstall is retried with --no-hooks", () => {
    fake.failUninstallWithHooks("gpu-operator");
    const r = undeploy([]);
    expect(r.code).toBe(0);
    const calls = uninstalls().filter((c) => releaseOf(c) === "gpu-operator");
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toContain("--no-hooks");
    expect(calls[1]).toContain("--no-hooks");
  });

  test("orphaned webhooks whose service is gone are deleted", () => {
    const hook = (name: string, svc: string, annotations = {}) => ({
      kind: "MutatingWebhookConfiguration",
      metadata: { name, annotations },
      webhooks: [{ clientConfig: { service: { namespace: "gpu-operator", name: svc } } }],
    });
    fake.webhooks([
      hook("orphan", "gone"),
      hook("healthy", "here"),
      hook("owned", "here", { "meta.helm.sh/release-name": "gpu-operator", "meta.helm.sh/release-namespace": "gpu-operator" }),
    ]);
    fake.missingService("gpu-operator", "gone");
    undeploy([]);
    const calls = fake.calls();
    const orphan = calls.indexOf("kubectl delete MutatingWebhookConfiguration orphan --ignore-not-found");
    expect(orphan).toBeGreaterThan(calls.findIndex((c) => c.includes("] uninstall gpu-operator-post ")));
    expect(calls).toContain("kubectl delete MutatingWebhookConfiguration owned --ignore-not-found");
    expect(calls.some((c) => c.includes("delete MutatingWebhookConfiguration healthy"))).toBe(false);
  });

  test("pre-flight: custom resources with finalizers stop the undeploy before anything is removed", () => {
    fake.answer("crd", { items: [{ metadata: { name: "clusterpolicies.nvidia.com" }, spec: { group: "nvidia.com" } }] });
    fake.answer("clusterpolicies.nvidia.com", {
      items: [{ kind: "ClusterPolicy", metadata: { name: "cluster-policy", finalizers: ["nvidia.com/finalizer"] } }],
    });
    const r = undeploy([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ClusterPolicy/cluster-policy");
    expect(uninstalls()).toEqual([]);
    // --skip-preflight goes ahead.
    expect(undeploy(["--skip-preflight"]).code).toBe(0);
    expect(uninstalls().map(releaseOf)).toEqual(reverse);
  });

  test("a bundle namespace stuck in Terminating is waited for, then its leftovers' finalizers are cleared", () => {
    fake.namespacePhase("monitoring", "Terminating");
    const r = undeploy([]);
    expect(r.code).toBe(0);
    expect(fake.calls().filter((c) => c === "sleep 1")).toHaveLength(59);
    expect(r.stdout).toContain("WARNING: namespace monitoring is still Terminating");
    expect(r.stdout).toContain("Post-flight: stale resources remain");
  });

  test.each([
    [["--bogus"], "Error: unknown option: --bogus"],
    [["--timeout"], "Error: --timeout requires a value"],
    [["--timeout", "soon"], "Error: --timeout requires a whole number of seconds"],
  ])("%p is rejected before anything runs", (args, message) => {
    const r = undeploy(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(fake.calls()).toEqual([]);
  });

  test("--timeout is passed to helm uninstall in seconds", () => {
    undeploy(["--timeout", "300"]);
    for (const c of uninstalls()) expect(c).toContain("--timeout 300s");
  });
});
