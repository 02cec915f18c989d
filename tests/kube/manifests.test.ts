/**
 * The shipped manifests: every document parses, every container has requests and limits, the RBAC
 * grants exactly what the agent uses, the Job and DaemonSet run the agent the way its ConfigMap
 * output expects, and kubectl accepts them all against the stand-in.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { VERSION } from "../../core/version.ts";
import { kubernetesCollector } from "../../agent/collectors/kubernetes.ts";
import { topologyCollector } from "../../agent/collectors/topology.ts";
import { parseConfigMapUri, readConfigMapDocument, writeConfigMapDocument } from "../../agent/kube/configmap.ts";
import { ClusterPolicies, ConfigMaps, Nodes, Pods } from "../../agent/kube/paths.ts";
import { rbacAuthorizer } from "../support/rbac-authorizer.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";

type Obj = Record<string, any>;
const root = join(import.meta.dir, "..", "..", "manifests");
// The agent's manifests; aicrd.yaml (the API server) is checked in tests/server/manifest.test.ts.
const files = readdirSync(root).filter((f) => /\.ya?ml$/.test(f) && f !== "aicrd.yaml").sort();

function docsOf(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(join(root, file), "utf8"));
  for (const d of docs) if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
  return docs.map((d) => d.toJS() as Obj).filter((d) => d !== null);
}

const all = files.flatMap((f) => docsOf(f).map((doc) => ({ file: f, doc })));
const find = (kind: string) => all.filter((x) => x.doc["kind"] === kind).map((x) => x.doc);
const podSpecs = () => all.filter((x) => x.doc["spec"]?.template?.spec).map((x) => ({ ...x, pod: x.doc["spec"].template.spec as Obj }));

describe("manifests", () => {
  test("there are manifests, and every document parses into a named Kubernetes object", () => {
    expect(files).toEqual(["daemonset.yaml", "job.yaml", "rbac.yaml"]);
    for (const { file, doc } of all) {
      expect(typeof doc["apiVersion"], file).toBe("string");
      expect(typeof doc["kind"], file).toBe("string");
      expect(typeof doc["metadata"]?.name, file).toBe("string");
    }
  });

  test("every container and init container has CPU and memory requests and limits", () => {
    const specs = podSpecs();
    expect(specs.map((s) => s.doc["kind"]).sort()).toEqual(["DaemonSet", "Job"]);
    for (const { file, pod } of specs) {
      const containers = [...(pod["containers"] ?? []), ...(pod["initContainers"] ?? [])] as Obj[];
      expect(containers.length).toBeGreaterThan(0);
      for (const c of containers) {
        for (const kind of ["requests", "limits"]) {
          for (const res of ["cpu", "memory"]) expect(c["resources"]?.[kind]?.[res], `${file} ${c["name"]} ${kind}.${res}`).toBeDefined();
        }
      }
    }
  });

  test("the agent runs on GPU nodes, reads the host read-only at /host and writes cm://$(NAMESPACE)/aicr-snapshot-$(NODE_NAME)", () => {
    for (const { file, pod } of podSpecs()) {
      expect(pod["serviceAccountName"], file).toBe("aicr");
      expect(pod["nodeSelector"], file).toEqual({ "nvidia.com/gpu.present": "true" });
      expect(pod["tolerations"], file).toContainEqual({ key: "nvidia.com/gpu", operator: "Exists" });
      const agent = ([...(pod["containers"] ?? []), ...(pod["initContainers"] ?? [])] as Obj[]).find((c) => c["command"]?.[0] === "aicr-agent")!;
      expect(agent, file).toBeDefined();
      expect(agent["args"], file).toEqual(["snapshot", "--host-root", "/host", "-o", "cm://$(NAMESPACE)/aicr-snapshot-$(NODE_NAME)"]);
      const env = Object.fromEntries((agent["env"] as Obj[]).map((e) => [e["name"], e["valueFrom"]?.fieldRef?.fieldPath ?? e["value"]]));
      expect(env["NODE_NAME"], file).toBe("spec.nodeName");
      expect(env["NAMESPACE"], file).toBe("metadata.namespace");
      const mount = (agent["volumeMounts"] as Obj[]).find((m) => m["mountPath"] === "/host")!;
      expect(mount["readOnly"], file).toBe(true);
      const volume = (pod["volumes"] as Obj[]).find((v) => v["name"] === mount["name"])!;
      expect(volume["hostPath"]?.path, file).toBe("/");
      // What the kubelet substitutes is a URI the agent accepts.
      const uri = (agent["args"][4] as string).replace("$(NAMESPACE)", "aicr").replace("$(NODE_NAME)", "ip-10-0-1-23.ec2.internal");
      expect(parseConfigMapUri(uri)).toEqual({ namespace: "aicr", name: "aicr-snapshot-ip-10-0-1-23.ec2.internal" });
    }
  });

  test("RBAC: configmaps in the agent's namespace, read-only nodes, pods and ClusterPolicies, nothing more", () => {
    const [role] = find("Role");
    expect(role!["metadata"].namespace).toBe("aicr");
    expect(role!["rules"]).toEqual([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "create", "update", "patch"] }]);
    const [clusterRole] = find("ClusterRole");
    expect(clusterRole!["rules"]).toEqual([
      { apiGroups: [""], resources: ["nodes", "pods"], verbs: ["get", "list"] },
      { apiGroups: ["nvidia.com"], resources: ["clusterpolicies"], verbs: ["get", "list"] },
    ]);
    const sa = find("ServiceAccount")[0]!;
    for (const binding of [...find("RoleBinding"), ...find("ClusterRoleBinding")]) {
      expect(binding["subjects"]).toEqual([{ kind: "ServiceAccount", name: sa["metadata"].name, namespace: sa["metadata"].namespace }]);
    }
    expect(find("RoleBinding")[0]!["roleRef"]).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role!["metadata"].name });
    expect(find("ClusterRoleBinding")[0]!["roleRef"]).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole!["metadata"].name });
  });
});

describe("kubectl accepts the manifests", () => {
  let api: KubeStandin;
  beforeAll(() => {
    api = KubeStandin.start({ strictNamespaces: true });
    api.addType({ group: "", version: "v1", resource: "serviceaccounts", kind: "ServiceAccount", namespaced: true, shortNames: ["sa"] });
    for (const [resource, kind, namespaced] of [
      ["roles", "Role", true],
      ["rolebindings", "RoleBinding", true],
      ["clusterroles", "ClusterRole", false],
      ["clusterrolebindings", "ClusterRoleBinding", false],
    ] as const) {
      api.addType({ group: "rbac.authorization.k8s.io", version: "v1", resource, kind, namespaced });
    }
    api.addType({ group: "batch", version: "v1", resource: "jobs", kind: "Job", namespaced: true, subresources: ["status"] });
    api.addType({ group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true, shortNames: ["ds"], subresources: ["status"] });
  });
  afterAll(() => api.stop());

  test("kubectl create -f rbac.yaml -f job.yaml -f daemonset.yaml creates every object, namespace first", async () => {
    const { kubeconfigPath } = standinClient(api);
    const home = mkdtempSync(join(tmpdir(), "aicr-kubectl-"));
    const p = Bun.spawn({
      cmd: ["kubectl", "--kubeconfig", kubeconfigPath, "--cache-dir", join(home, "cache"), "create", "--validate=false", ...["rbac.yaml", "job.yaml", "daemonset.yaml"].flatMap((f) => ["-f", join(root, f)])],
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out.trim().split("\n")).toEqual([
      "namespace/aicr created",
      "serviceaccount/aicr created",
      "role.rbac.authorization.k8s.io/aicr created",
      "rolebinding.rbac.authorization.k8s.io/aicr created",
      "clusterrole.rbac.authorization.k8s.io/aicr-node-reader created",
      "clusterrolebinding.rbac.authorization.k8s.io/aicr-node-reader created",
      "job.batch/aicr-snapshot created",
      "daemonset.apps/aicr-snapshot created",
    ]);
    expect(api.object({ group: "batch", version: "v1", resource: "jobs" }, "aicr", "aicr-snapshot")?.["spec"].template.spec.serviceAccountName).toBe("aicr");
  });
});

describe("the RBAC is enough for the agent, and no more", () => {
  let api: KubeStandin;
  const agentUser = "system:serviceaccount:aicr:aicr";
  beforeAll(() => {
    api = KubeStandin.start();
    api.authorizer = rbacAuthorizer(all.map((x) => x.doc));
    api.put(Nodes, { metadata: { name: "gpu-node-1", labels: { "nvidia.com/gpu.present": "true" } }, spec: { taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] } });
    api.put(Pods, { metadata: { name: "op", namespace: "gpu-operator" }, spec: { containers: [{ name: "op", image: "nvcr.io/nvidia/gpu-operator:v25.3.3" }] } });
    api.put(ClusterPolicies, { metadata: { name: "cluster-policy" }, spec: { driver: { enabled: true } } });
  });
  afterAll(() => api.stop());

  test("as the agent's service account: both collectors and the snapshot write and read-back succeed", async () => {
    const { client } = standinClient(api, { user: agentUser, retry: { attempts: 1 } });
    const warnings: string[] = [];
    const k8s = await kubernetesCollector({ client, nodeName: "gpu-node-1", onWarning: (w) => warnings.push(w) }).collect({ signal: new AbortController().signal });
    const topo = await topologyCollector({ client }).collect({ signal: new AbortController().signal });
    expect(warnings).toEqual([]);
    expect(k8s.subtypes?.map((s) => Object.keys(s.data ?? {}).length > 0)).toEqual([true, true, true, true]);
    expect(topo.subtypes?.[0]?.data?.["node-count"]).toBe(1);
    const uri = "cm://aicr/aicr-snapshot-gpu-node-1";
    await writeConfigMapDocument(client, uri, { content: "a: 1\n", format: "yaml", kind: "Snapshot", version: VERSION, nodeName: "gpu-node-1" });
    await writeConfigMapDocument(client, uri, { content: "a: 2\n", format: "yaml", kind: "Snapshot", version: VERSION, nodeName: "gpu-node-1" });
    expect((await readConfigMapDocument(client, uri)).text).toBe("a: 2\n");
    expect(api.requests.filter((r) => r.user === agentUser && r.status === 403)).toEqual([]);
  });

  test("outside its namespace, or beyond reading, the agent is refused", async () => {
    const { client } = standinClient(api, { user: agentUser, retry: { attempts: 1 } });
    const write = writeConfigMapDocument(client, "cm://default/elsewhere", { content: "a: 1\n", format: "yaml", kind: "Snapshot", version: VERSION });
    await expect(write).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(client.list(ConfigMaps, { namespace: "aicr" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(client.delete(Nodes, "gpu-node-1")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(client.create(Pods, { metadata: { name: "x", namespace: "aicr" } })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
