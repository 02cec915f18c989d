/**
 * The pure parts of live validation: run and object names, image tag pinning and registry override,
 * the validator Job, RBAC and ConfigMaps, the check-result contract (termination message), what a
 * Job's pod says about its outcome, and how an outcome becomes a CTRF test. Objects are checked
 * against the Kubernetes schemas (kubernetes-models).
 */
import { describe, expect, test } from "bun:test";
import { Job } from "kubernetes-models/batch/v1";
import { ConfigMap, Namespace, ServiceAccount } from "kubernetes-models/v1";
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { skyhookNames, skyhookNamesIn } from "../../agent/checks/skyhook-names.ts";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import type { ValidatorEntry } from "../../core/schema/validator-catalog.ts";
import { parseGoDuration } from "../../core/validate/duration.ts";
import { decodeCheckResult, encodeCheckResult, TERMINATION_MESSAGE_LIMIT } from "../../core/validate/live/check-result.ts";
import { ctrfConfigMap, namespaceObject, recipeConfigMap, snapshotConfigMap } from "../../core/validate/live/data.ts";
import { isReleaseVersion, overrideRegistry, pinImageTag, pullPolicyFor, validatorImage } from "../../core/validate/live/image.ts";
import { DEFAULT_VALIDATOR_TIMEOUT_MS, entryTimeoutMs, validatorJob } from "../../core/validate/live/job.ts";
import { ctrfConfigMapName, recipeConfigMapName, runId, snapshotConfigMapName, validatorJobName } from "../../core/validate/live/names.ts";
import { outcomeOf } from "../../core/validate/live/outcome.ts";
import { clusterRole, clusterRoleBinding, pluralOf, role, roleBinding, serviceAccount } from "../../core/validate/live/rbac.ts";
import { deployFailedTest, logLines, statusForExitCode, validatorTest } from "../../core/validate/live/result.ts";
import { checkNames } from "../../agent/checks/registry.ts";

const catalog = () => embeddedStore().validators!;
const entry = (name: string): ValidatorEntry => catalog().validators.find((v) => v.name === name)!;
const bytes = (...b: number[]) => new Uint8Array(b);

describe("the catalogue", () => {
  test("every entry runs in the agent image, and the agent has a check of each name", () => {
    const names = catalog().validators.map((v) => v.name);
    expect(names).toEqual(checkNames());
    for (const v of catalog().validators) {
      expect(v.image).toBe("ghcr.io/nvidia/aicr:latest");
      expect(v.args).toEqual([v.name]);
    }
  });

  test("timeouts: the entry's, or 5m without one", () => {
    expect(entryTimeoutMs(entry("operator-health"), parseGoDuration)).toBe(120_000);
    expect(entryTimeoutMs(entry("nccl-all-reduce-bw"), parseGoDuration)).toBe(30 * 60_000);
    expect(entryTimeoutMs({ ...entry("operator-health"), timeout: "0s" }, parseGoDuration)).toBe(DEFAULT_VALIDATOR_TIMEOUT_MS);
    const { timeout: _t, ...noTimeout } = entry("operator-health");
    expect(entryTimeoutMs(noTimeout, parseGoDuration)).toBe(DEFAULT_VALIDATOR_TIMEOUT_MS);
  });
});

describe("names", () => {
  test("run id: local time and 16 hex digits; Job names aicr-<validator>-<8 hex>, at most 63 characters", () => {
    const id = runId(new Date(2026, 2, 21, 9, 5, 7), bytes(0, 1, 2, 171, 205, 239, 16, 255));
    expect(id).toBe("20260321-090507-000102abcdef10ff");
    expect(validatorJobName("operator-health", bytes(222, 173, 190, 239))).toBe("aicr-operator-health-deadbeef");
    const long = validatorJobName("x".repeat(80), bytes(1, 2, 3, 4));
    expect(long.length).toBe(63);
    expect(long).toEndWith("-01020304");
    expect(recipeConfigMapName(id)).toBe("aicr-recipe-20260321-090507-000102abcdef10ff");
    expect(snapshotConfigMapName(id)).toBe("aicr-snapshot-20260321-090507-000102abcdef10ff");
    expect(ctrfConfigMapName(id, "deployment")).toBe("aicr-ctrf-20260321-090507-000102abcdef10ff-deployment");
  });
});

describe("images", () => {
  test(":latest is pinned to the release version; dev and -next builds keep it", () => {
    expect(isReleaseVersion("0.11.1")).toBe(true);
    expect(isReleaseVersion("dev")).toBe(false);
    expect(isReleaseVersion("0.12.0-next")).toBe(false);
    expect(isReleaseVersion("")).toBe(false);
    expect(pinImageTag("ghcr.io/nvidia/aicr:latest", "0.11.1")).toBe("ghcr.io/nvidia/aicr:v0.11.1");
    expect(pinImageTag("ghcr.io/nvidia/aicr:latest", "v0.11.1")).toBe("ghcr.io/nvidia/aicr:v0.11.1");
    expect(pinImageTag("ghcr.io/nvidia/aicr:latest", "dev")).toBe("ghcr.io/nvidia/aicr:latest");
    expect(pinImageTag("ghcr.io/nvidia/aicr:v0.10.0", "0.11.1")).toBe("ghcr.io/nvidia/aicr:v0.10.0");
  });

  test("AICR_VALIDATOR_IMAGE_REGISTRY replaces the registry (split on / into at most three parts)", () => {
    expect(overrideRegistry("ghcr.io/nvidia/aicr-validators/deployment:v1", "mirror.example.com")).toBe("mirror.example.com/aicr-validators/deployment:v1");
    expect(overrideRegistry("ghcr.io/nvidia/aicr:v0.11.1", "mirror.example.com/")).toBe("mirror.example.com/aicr:v0.11.1");
    expect(overrideRegistry("nvidia/aicr:v1", "mirror.example.com")).toBe("mirror.example.com/aicr:v1");
    expect(overrideRegistry("aicr:v1", "mirror.example.com")).toBe("aicr:v1");
    expect(overrideRegistry("ghcr.io/nvidia/aicr:v1", "  ")).toBe("ghcr.io/nvidia/aicr:v1");
    expect(validatorImage("ghcr.io/nvidia/aicr:latest", "0.11.1", "mirror.example.com")).toBe("mirror.example.com/aicr:v0.11.1");
    expect(pullPolicyFor("ghcr.io/nvidia/aicr:latest")).toBe("Always");
    expect(pullPolicyFor("ghcr.io/nvidia/aicr:v0.11.1")).toBe("IfNotPresent");
  });
});

describe("the validator Job", () => {
  const job = validatorJob({
    entry: entry("expected-resources"),
    phase: "deployment",
    namespace: "aicr-validation",
    jobName: "aicr-expected-resources-0a0b0c0d",
    run: "20260321-090507-000102abcdef10ff",
    image: "ghcr.io/nvidia/aicr:v0.11.1",
    timeoutMs: 300_000,
    tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }],
    imagePullSecrets: ["regcred"],
    recipeConfigMap: "aicr-recipe-r",
    snapshotConfigMap: "aicr-snapshot-r",
  }) as any;

  test("is a valid batch/v1 Job", () => {
    expect(() => new Job(job).validate()).not.toThrow();
  });

  test("deadline, no retries, TTL, labels on Job and pod", () => {
    expect(job.spec).toMatchObject({ activeDeadlineSeconds: 300, backoffLimit: 0, ttlSecondsAfterFinished: 3600 });
    const labels = {
      "app.kubernetes.io/name": "aicr",
      "app.kubernetes.io/component": "validation",
      "app.kubernetes.io/managed-by": "aicr",
      "aicr.nvidia.com/job-type": "validation",
      "aicr.nvidia.com/run-id": "20260321-090507-000102abcdef10ff",
      "aicr.nvidia.com/validator": "expected-resources",
      "aicr.nvidia.com/phase": "deployment",
    };
    expect(job.metadata.labels).toEqual(labels);
    expect(job.spec.template.metadata.labels).toEqual(labels);
  });

  test("pod: validator account, never restarted, tolerations, prefers nodes without GPUs, pull secrets", () => {
    const spec = job.spec.template.spec;
    expect(spec).toMatchObject({ serviceAccountName: "aicr-validator", restartPolicy: "Never", terminationGracePeriodSeconds: 30, imagePullSecrets: [{ name: "regcred" }] });
    expect(spec.tolerations).toEqual([{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }]);
    expect(spec.nodeSelector).toBeUndefined();
    expect(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, preference: { matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "DoesNotExist" }] } },
    ]);
  });

  test("container: aicr-agent check <name>, 1 CPU / 1Gi, termination message file, inputs by ConfigMap name and mount", () => {
    const c = job.spec.template.spec.containers[0];
    expect(c).toMatchObject({
      name: "validator",
      image: "ghcr.io/nvidia/aicr:v0.11.1",
      imagePullPolicy: "IfNotPresent",
      command: ["aicr-agent", "check"],
      args: ["expected-resources"],
      resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
    });
    expect(c.env).toEqual([
      { name: "AICR_SNAPSHOT_PATH", value: "/data/snapshot/snapshot.yaml" },
      { name: "AICR_RECIPE_PATH", value: "/data/recipe/recipe.yaml" },
      { name: "AICR_RECIPE_CONFIGMAP", value: "aicr-validation/aicr-recipe-r" },
      { name: "AICR_SNAPSHOT_CONFIGMAP", value: "aicr-validation/aicr-snapshot-r" },
      { name: "AICR_VALIDATOR_NAME", value: "expected-resources" },
      { name: "AICR_VALIDATOR_PHASE", value: "deployment" },
      { name: "AICR_RUN_ID", value: "20260321-090507-000102abcdef10ff" },
      { name: "AICR_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    ]);
    expect(c.volumeMounts).toEqual([
      { name: "snapshot", mountPath: "/data/snapshot", readOnly: true },
      { name: "recipe", mountPath: "/data/recipe", readOnly: true },
    ]);
    expect(job.spec.template.spec.volumes).toEqual([
      { name: "snapshot", configMap: { name: "aicr-snapshot-r" } },
      { name: "recipe", configMap: { name: "aicr-recipe-r" } },
    ]);
  });

  test("extra and catalogue environment come last", () => {
    const j = validatorJob({
      entry: { ...entry("nccl-all-reduce-bw"), env: [{ name: "FOO", value: "bar" }] },
      phase: "performance",
      namespace: "ns",
      jobName: "j",
      run: "r",
      image: "i:latest",
      timeoutMs: 1500,
      tolerations: [{ operator: "Exists" }],
      recipeConfigMap: "rc",
      snapshotConfigMap: "sc",
      env: [{ name: "AICR_NCCL_LAUNCHER", value: "ns/sel" }],
    }) as any;
    expect(j.spec.activeDeadlineSeconds).toBe(2);
    expect(j.spec.template.spec.containers[0].imagePullPolicy).toBe("Always");
    expect(j.spec.template.spec.containers[0].env.slice(-2)).toEqual([
      { name: "AICR_NCCL_LAUNCHER", value: "ns/sel" },
      { name: "FOO", value: "bar" },
    ]);
  });
});

describe("RBAC and ConfigMaps", () => {
  test("read-only ClusterRole (no Secrets), bound to the validator account; a Role for the run's own ConfigMaps", () => {
    const cr = clusterRole(["Widget", "Secret", "NetworkPolicy"]) as any;
    expect(() => new ClusterRole(cr).validate()).not.toThrow();
    const verbs = new Set(cr.rules.flatMap((r: any) => r.verbs));
    expect([...verbs].sort()).toEqual(["get", "list", "watch"]);
    const resources: string[] = cr.rules[0].resources;
    expect(resources).toContain("clusterpolicies");
    expect(resources).toContain("skyhooks");
    expect(resources).toContain("widgets");
    expect(resources).toContain("networkpolicies");
    expect(resources).not.toContain("secrets");
    expect(cr.rules).toContainEqual({ apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-autoscaler-status"], verbs: ["get"] });
    const crb = clusterRoleBinding("aicr-validation") as any;
    expect(() => new ClusterRoleBinding(crb).validate()).not.toThrow();
    expect(crb.subjects).toEqual([{ kind: "ServiceAccount", name: "aicr-validator", namespace: "aicr-validation" }]);
    expect(crb.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "aicr-validator" });
    const r = role("aicr-validation", ["aicr-recipe-x", "aicr-snapshot-x"]) as any;
    expect(() => new Role(r).validate()).not.toThrow();
    expect(r.rules).toEqual([{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["aicr-recipe-x", "aicr-snapshot-x"], verbs: ["get"] }]);
    expect(() => new RoleBinding(roleBinding("aicr-validation") as any).validate()).not.toThrow();
    expect(() => new ServiceAccount(serviceAccount("aicr-validation") as any).validate()).not.toThrow();
    for (const o of [cr, crb, r]) expect(o.metadata.labels).toEqual({ "app.kubernetes.io/name": "aicr-validator", "app.kubernetes.io/managed-by": "aicr" });
  });

  test("plurals of kinds", () => {
    expect(["Deployment", "NetworkPolicy", "Ingress", "Gateway", "Mesh"].map(pluralOf)).toEqual(["deployments", "networkpolicies", "ingresses", "gateways", "meshes"]);
  });

  test("namespace and ConfigMaps carry the run labels; manifests only when there are any", () => {
    const ns = namespaceObject("aicr-validation") as any;
    expect(() => new Namespace(ns).validate()).not.toThrow();
    expect(ns.metadata.labels).toEqual({ "app.kubernetes.io/name": "aicr", "app.kubernetes.io/component": "validation", "app.kubernetes.io/managed-by": "aicr" });
    const rc = recipeConfigMap("ns", "aicr-recipe-r", "r", "kind: RecipeResult\n", { "components/a/manifests/x.yaml": "kind: Skyhook\n" }) as any;
    expect(() => new ConfigMap(rc).validate()).not.toThrow();
    expect(rc.data).toEqual({ "recipe.yaml": "kind: RecipeResult\n", "manifests.json": '{"components/a/manifests/x.yaml":"kind: Skyhook\\n"}' });
    expect(rc.metadata.labels["aicr.nvidia.com/run-id"]).toBe("r");
    expect(Object.keys((recipeConfigMap("ns", "n", "r", "x") as any).data)).toEqual(["recipe.yaml"]);
    expect((snapshotConfigMap("ns", "n", "r", "kind: Snapshot\n") as any).data).toEqual({ "snapshot.yaml": "kind: Snapshot\n" });
    const cc = ctrfConfigMap("ns", "aicr-ctrf-r-deployment", "r", "deployment", "{}\n") as any;
    expect(cc.metadata.labels).toMatchObject({ "aicr.nvidia.com/phase": "deployment", "aicr.nvidia.com/report-type": "ctrf" });
    expect(cc.data).toEqual({ "report.json": "{}\n" });
  });
});

describe("the check result in the termination message", () => {
  test("round trip, and plain text is not a result", () => {
    const r = { check: "gpu-operator-version", status: "failed" as const, message: "too old", constraint: "Deployment.gpu-operator.version", expected: ">= v24.6.0", actual: "v24.3.0", details: ["a"] };
    expect(decodeCheckResult(encodeCheckResult(r))).toEqual(r);
    expect(decodeCheckResult("validator crashed: segfault")).toBeUndefined();
    expect(decodeCheckResult('{"check":"x","status":"maybe","message":"m"}')).toBeUndefined();
  });

  test("stays within the kubelet's 4096 bytes: details dropped first, then long texts shortened", () => {
    const details = Array.from({ length: 200 }, (_, i) => `pod team/p-${i}: CrashLoopBackOff`);
    const text = encodeCheckResult({ check: "platform-health", status: "failed", message: "200 problems", details });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(TERMINATION_MESSAGE_LIMIT);
    const back = decodeCheckResult(text)!;
    expect(back.details!.at(-1)).toMatch(/^\.\.\. \d+ more$/);
    expect(back.details![0]).toBe("pod team/p-0: CrashLoopBackOff");
    const huge = encodeCheckResult({ check: "c", status: "failed", message: "é".repeat(5000) });
    expect(Buffer.byteLength(huge)).toBeLessThanOrEqual(TERMINATION_MESSAGE_LIMIT);
    expect(decodeCheckResult(huge)!.message).toEndWith("...");
  });
});

describe("what a Job's pod says (outcome)", () => {
  const complete = { status: { conditions: [{ type: "Complete", status: "True" }] } };
  const failed = (reason: string) => ({ status: { conditions: [{ type: "Failed", status: "True", reason }] } });
  const terminated = (exitCode: number, extra: Record<string, unknown> = {}) => ({
    metadata: { name: "p" },
    status: { phase: exitCode === 0 ? "Succeeded" : "Failed", containerStatuses: [{ name: "validator", state: { terminated: { exitCode, startedAt: "2026-03-21T10:00:00Z", finishedAt: "2026-03-21T10:00:04Z", ...extra } } }] },
  });

  test("a terminated container: exit code, termination message, duration", () => {
    expect(outcomeOf({ job: complete, pod: terminated(0, { message: '{"check":"x","status":"passed","message":"ok"}' }), waitTimedOut: false, timeoutMs: 120_000 })).toEqual({
      exitCode: 0,
      message: '{"check":"x","status":"passed","message":"ok"}',
      durationMs: 4000,
      hasLogs: true,
      timedOut: false,
    });
    expect(outcomeOf({ job: failed("BackoffLimitExceeded"), pod: terminated(137, { reason: "OOMKilled", message: "partial" }), waitTimedOut: false, timeoutMs: 1 }).message).toBe("Container OOMKilled");
  });

  test("never scheduled, image not pulled, no pod, still running, timed out", () => {
    const unschedulable = { status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/2 nodes are available" }] } };
    expect(outcomeOf({ job: failed("DeadlineExceeded"), pod: unschedulable, waitTimedOut: false, timeoutMs: 120_000 })).toEqual({
      exitCode: -1,
      message: "pod never reached running state: Unschedulable: 0/2 nodes are available (timeout: validator did not complete within 2m0s)",
      durationMs: 0,
      hasLogs: false,
      timedOut: true,
    });
    const pulling = { status: { phase: "Pending", containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } } }] } };
    expect(outcomeOf({ job: complete, pod: pulling, waitTimedOut: false, timeoutMs: 1 }).message).toBe("ImagePullBackOff: Back-off pulling image");
    expect(outcomeOf({ waitTimedOut: true, timeoutMs: 0 }).message).toBe("pod never reached running state (timeout: validator did not complete within 0s)");
    expect(outcomeOf({ job: complete, waitTimedOut: false, timeoutMs: 1 }).message).toBe("no pod found for the validator Job");
    const running = { status: { phase: "Running", containerStatuses: [{ state: { running: {} } }] } };
    expect(outcomeOf({ pod: running, waitTimedOut: true, timeoutMs: 90_000 })).toMatchObject({ exitCode: -1, message: "timeout: validator did not complete within 1m30s", hasLogs: true });
  });

  test("a container stopped at the deadline keeps its exit code and message, with the timeout noted", () => {
    const o = outcomeOf({ job: failed("DeadlineExceeded"), pod: terminated(143, { message: '{"check":"x","status":"error","message":"interrupted by SIGTERM"}' }), waitTimedOut: false, timeoutMs: 2000 });
    expect(o).toMatchObject({ exitCode: 143, note: "timeout: validator did not complete within 2s", timedOut: true });
    const t = validatorTest(entry("operator-health"), "deployment", o);
    expect(t).toMatchObject({ status: "other", message: "timeout: validator did not complete within 2s: interrupted by SIGTERM" });
  });
});

describe("outcome to CTRF test", () => {
  test("exit codes: 0 passed, 1 failed, 2 skipped, anything else other", () => {
    expect([0, 1, 2, 3, -1, 137].map(statusForExitCode)).toEqual(["passed", "failed", "skipped", "other", "other", "other"]);
  });

  test("the check's JSON result gives message, expected and actual; plain text is the message; the log becomes stdout", () => {
    const msg = encodeCheckResult({ check: "gpu-operator-version", status: "failed", message: "GPU Operator v24.3.0 does not satisfy >= v24.6.0", constraint: "Deployment.gpu-operator.version", expected: ">= v24.6.0", actual: "v24.3.0" });
    const t = validatorTest(entry("gpu-operator-version"), "deployment", { exitCode: 1, message: msg, durationMs: 2500, hasLogs: true, timedOut: false }, "line 1\nline 2\n\n");
    expect(t).toEqual({
      name: "gpu-operator-version",
      status: "failed",
      duration: 2500,
      suite: ["deployment"],
      message: "GPU Operator v24.3.0 does not satisfy >= v24.6.0",
      stdout: ["line 1", "line 2"],
      extra: { exitCode: 1, constraint: "Deployment.gpu-operator.version", expected: ">= v24.6.0", actual: "v24.3.0" },
    });
    expect(validatorTest(entry("operator-health"), "deployment", { exitCode: 139, message: "segfault\n", durationMs: 0, hasLogs: false, timedOut: false })).toMatchObject({ status: "other", message: "segfault" });
    expect(deployFailedTest(entry("operator-health"), "deployment", "[UNAUTHORIZED] no")).toEqual({
      name: "operator-health",
      status: "other",
      duration: 0,
      suite: ["deployment"],
      message: "failed to deploy Job: [UNAUTHORIZED] no",
      extra: { exitCode: -1 },
    });
  });

  test("log lines: the last 1000 kept, each cut to 512 bytes with a marker", () => {
    const log = `${Array.from({ length: 1200 }, (_, i) => `line ${i}`).join("\n")}\n`;
    const lines = logLines(log);
    expect(lines).toHaveLength(1000);
    expect(lines[0]).toBe("line 200");
    const long = logLines(`${"a".repeat(600)}\r\n`);
    expect(long).toEqual([`${"a".repeat(512)}... [truncated 88 chars]`]);
    expect(logLines("é".repeat(300))[0]).toBe(`${"é".repeat(256)}... [truncated 44 chars]`);
    expect(logLines("")).toEqual([]);
  });
});

describe("Skyhook names from the recipe's manifests", () => {
  test("literal names of Skyhook documents; templated names and other kinds are left out", () => {
    const text = [
      "{{- if .Values.enabled }}",
      "# comment: name: not-this",
      "apiVersion: skyhook.nvidia.com/v1alpha1",
      "kind: Skyhook",
      "metadata:",
      "  labels:",
      "    name: label-not-name",
      '  name: "tuning"',
      "spec:",
      "  packages:",
      "    - name: kernel",
      "---",
      "kind: ConfigMap",
      "metadata:",
      "  name: cm",
      "---",
      "kind: Skyhook",
      "metadata:",
      "  name: {{ .Values.name }}",
      "---",
      "kind: Nodewright",
      "metadata:",
      "  namespace: x",
      "  name: gb200-tuning",
      "{{- end }}",
    ].join("\n");
    expect(skyhookNamesIn(text)).toEqual(["tuning", "gb200-tuning"]);
  });

  test("the shipped skyhook-customizations manifests", () => {
    const files = embeddedStore().files;
    const paths = ["tuning.yaml", "tuning-gke.yaml", "no-op.yaml"].map((f) => `components/skyhook-customizations/manifests/${f}`);
    const texts = Object.fromEntries(paths.map((p) => [p, files.get(p)!.text]));
    expect(skyhookNames(paths, texts)).toEqual({ names: ["tuning", "no-op"], unreadable: [] });
    expect(skyhookNames(["missing.yaml"], texts)).toEqual({ names: [], unreadable: ["missing.yaml"] });
  });
});
