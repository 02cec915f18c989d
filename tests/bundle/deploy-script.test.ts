/** deploy.sh against fake helm/kubectl: order, wait arguments, retries with backoff, flags, pre-flight, DRA restart. */
import { afterAll, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { bundleOf, goldenCases, loadRecipe, removeDir, tempDir, writeBundle, SPAWNING_TEST_TIMEOUT_MS } from "./helpers.ts";
import { fakeCluster, type FakeCluster } from "./fake-cluster.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const root = tempDir("aicr-deploy-");
afterAll(() => removeDir(root));
const bundleDir = writeBundle(bundleOf(loadRecipe(goldenCases.training)).tree, join(root, "bundle"));
const releases = [
  "aws-ebs-csi-driver",
  "aws-efa",
  "cert-manager",
  "kube-prometheus-stack",
  "k8s-ephemeral-storage-metrics",
  "prometheus-adapter",
  "skyhook-operator",
  "skyhook-customizations",
  "gpu-operator",
  "gpu-operator-post",
  "kai-scheduler",
  "kubeflow-trainer",
  "kubeflow-trainer-post",
  "nvidia-dra-driver-gpu",
  "nvsentinel",
];

let fake: FakeCluster;
let n = 0;
beforeEach(() => {
  fake = fakeCluster(join(root, `fake-${n++}`));
});

function deploy(args: string[], env: Record<string, string> = {}) {
  const p = Bun.spawnSync(["bash", join(bundleDir, "deploy.sh"), ...args], { cwd: root, env: fake.env(env), stdin: "ignore" });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

const installs = () => fake.calls().filter((c) => c.includes("] upgrade --install "));
const releaseOf = (call: string) => call.split("upgrade --install ")[1]?.split(" ")[0];

describe("deploy.sh", () => {
  test("installs every folder in order, from inside its folder, with both values files", () => {
    const r = deploy([]);
    expect(r.code, r.stderr).toBe(0);
    expect(installs().map(releaseOf)).toEqual(releases);
    for (const call of installs()) {
      const rel = releaseOf(call) as string;
      const folder = call.slice("helm[".length, call.indexOf("]"));
      expect(folder).toBe(`${String(releases.indexOf(rel) + 1).padStart(3, "0")}-${rel}`);
      expect(call).toContain("-f values.yaml -f cluster-values.yaml");
    }
    expect(r.stdout).toContain("Pre-flight checks passed.");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("Deployment complete.");
  });

  test("chart arguments: repository charts get --repo, OCI charts the full reference, local charts ./", () => {
    deploy([]);
    const byRelease = new Map(installs().map((c) => [releaseOf(c), c]));
    expect(byRelease.get("cert-manager")).toContain("upgrade --install cert-manager cert-manager --repo https://charts.jetstack.io --version v1.17.2 --namespace cert-manager --create-namespace");
    expect(byRelease.get("kai-scheduler")).toContain("upgrade --install kai-scheduler oci://ghcr.io/nvidia/kai-scheduler/kai-scheduler --version v0.13.0 --namespace kai-scheduler");
    expect(byRelease.get("kai-scheduler")).not.toContain("--repo");
    expect(byRelease.get("gpu-operator-post")).toContain("upgrade --install gpu-operator-post ./ --namespace gpu-operator --create-namespace");
  });

  test("waits for each chart, except the asynchronous kai-scheduler (longer timeout, no --wait)", () => {
    deploy([]);
    for (const call of installs()) {
      if (releaseOf(call) === "kai-scheduler") {
        expect(call).toEndWith("--timeout 20m");
        expect(call).not.toContain("--wait");
      } else expect(call).toEndWith("--wait --timeout 10m");
    }
  });

  test("--no-wait drops --wait but keeps the timeout", () => {
    expect(deploy(["--no-wait"]).code).toBe(0);
    for (const call of installs()) {
      expect(call).not.toContain("--wait");
      expect(call).toMatch(/--timeout (10|20)m$/);
    }
  });

  test("restarts the DRA kubelet-plugin DaemonSet right after nvidia-dra-driver-gpu installs", () => {
    fake.answer("daemonsets", "daemonset.apps/nvidia-dra-driver-gpu-controller\ndaemonset.apps/nvidia-dra-driver-gpu-kubelet-plugin\n", "names");
    deploy([]);
    const calls = fake.calls();
    const dra = calls.findIndex((c) => c.includes("upgrade --install nvidia-dra-driver-gpu "));
    const restart = calls.findIndex((c) => c === "kubectl rollout restart daemonset.apps/nvidia-dra-driver-gpu-kubelet-plugin -n nvidia-dra-driver");
    const status = calls.findIndex((c) => c.startsWith("kubectl rollout status daemonset.apps/nvidia-dra-driver-gpu-kubelet-plugin -n nvidia-dra-driver --timeout=120s"));
    const next = calls.findIndex((c) => c.includes("upgrade --install nvsentinel "));
    expect(dra).toBeGreaterThan(-1);
    expect(restart).toBeGreaterThan(dra);
    expect(status).toBeGreaterThan(restart);
    expect(next).toBeGreaterThan(status);
  });

  test("retries a failed install with quadratic backoff, then goes on", () => {
    fake.failInstall("cert-manager", 3);
    const r = deploy([]);
    expect(r.code, r.stderr).toBe(0);
    const calls = fake.calls().filter((c) => c.includes("upgrade --install cert-manager ") || c.startsWith("sleep "));
    expect(calls.map((c) => (c.startsWith("sleep") ? c : "install"))).toEqual(["install", "sleep 5", "install", "sleep 20", "install", "sleep 45", "install"]);
    expect(r.stdout).toContain("RETRY: cert-manager install failed (attempt 1/5), retrying in 5s...");
    expect(installs().map(releaseOf).filter((x) => x !== "cert-manager")).toEqual(releases.filter((x) => x !== "cert-manager"));
  });

  test("the backoff is capped at 120 s; after the last retry the deployment stops", () => {
    fake.failInstall("cert-manager", 100);
    const r = deploy(["--retries", "6"]);
    expect(r.code).toBe(1);
    expect(fake.calls().filter((c) => c.startsWith("sleep ")).map((c) => Number(c.slice(6)))).toEqual([5, 20, 45, 80, 120, 120]);
    expect(installs().filter((c) => releaseOf(c) === "cert-manager")).toHaveLength(7);
    expect(r.stderr).toContain("ERROR: cert-manager install failed after 7 attempts");
    expect(installs().map(releaseOf)).not.toContain("kube-prometheus-stack");
  });

  test("--retries 0 fails fast; --best-effort goes on and lists the failures", () => {
    fake.failInstall("cert-manager", 100);
    fake.failInstall("kai-scheduler", 100);
    const r = deploy(["--retries", "0", "--best-effort"]);
    expect(r.code).toBe(0);
    expect(fake.calls().filter((c) => c.startsWith("sleep "))).toEqual([]);
    expect(installs().map(releaseOf)).toEqual(releases);
    expect(r.stdout).toContain("WARNING: cert-manager install failed, continuing (--best-effort)");
    expect(r.stdout).toContain("WARNING: the following components failed: cert-manager kai-scheduler");
    expect(r.stdout).toContain("Deployment complete.");
  });

  test("kai-scheduler is retried at most once", () => {
    fake.failInstall("kai-scheduler", 100);
    const r = deploy(["--best-effort"]);
    expect(r.code).toBe(0);
    expect(installs().filter((c) => releaseOf(c) === "kai-scheduler")).toHaveLength(2);
    expect(fake.calls().filter((c) => c.startsWith("sleep "))).toEqual(["sleep 5"]);
  });

  test.each([
    [["--bogus"], "Error: unknown option: --bogus"],
    [["--best_effort"], "Error: unknown option: --best_effort"],
    [["--retries"], "Error: --retries requires a value"],
    [["--retries", "-1"], "Error: --retries requires a non-negative integer"],
    [["--retries", "x"], "Error: --retries requires a non-negative integer"],
  ])("%p is rejected before anything runs", (args, message) => {
    const r = deploy(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("Usage: ./deploy.sh [--no-wait] [--best-effort] [--retries N]");
    expect(fake.calls()).toEqual([]);
  });

  test("pre-flight: a bundle namespace still terminating stops the deployment", () => {
    fake.namespacePhase("monitoring", "Terminating");
    const r = deploy([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("namespace monitoring is still Terminating");
    expect(installs()).toEqual([]);
  });

  test("pre-flight: a webhook whose service in a bundle namespace is gone stops the deployment", () => {
    fake.webhooks([
      { kind: "ValidatingWebhookConfiguration", metadata: { name: "stale-hook" }, webhooks: [{ clientConfig: { service: { namespace: "gpu-operator", name: "gone" } } }] },
    ]);
    fake.missingService("gpu-operator", "gone");
    const r = deploy([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ValidatingWebhookConfiguration stale-hook calls service gpu-operator/gone, which does not exist");
    expect(installs()).toEqual([]);
  });

  test("pre-flight: with the Skyhook operator not running, its runtime taint is removed from the nodes", () => {
    deploy([]);
    expect(fake.calls()).toContain("kubectl taint nodes --all skyhook.nvidia.com-");
  });

  test("KUBECONFIG_FLAG reaches helm and kubectl", () => {
    fake.answer("daemonsets", "daemonset.apps/x-kubelet-plugin\n", "names");
    deploy([], { KUBECONFIG_FLAG: "--kubeconfig /tmp/kc" });
    for (const c of installs()) expect(c).toContain("--kubeconfig /tmp/kc");
    expect(fake.calls().some((c) => c.startsWith("kubectl --kubeconfig /tmp/kc rollout restart"))).toBe(true);
  });
});
