/**
 * Helpers for the `aicr snapshot` cluster-mode tests: a stand-in (service accounts authorized by the
 * RBAC objects stored in it) with nodes and the kubelet simulation, an executor that runs the agent's
 * containers the way a kubelet would ($(VAR) references in args expanded from the container's env, the
 * host root mount pointed at a fixture host root chosen per node), and the CLI spawned asynchronously
 * (the stand-in lives in this process and must keep answering).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeStandin } from "../support/kube-standin.ts";
import { agentExecutor, KubeletSim, type ContainerRun, type ContainerWaiting, type ExecuteContext } from "../support/kubelet-sim.ts";
import { standinClient } from "../support/standin-client.ts";
import { BUN, HOSTS, node, Nodes, REPO, startStandin } from "../validate-live/helpers.ts";

export { BUN, HOSTS, REPO };
type Obj = Record<string, any>;

export const ADMIN = "admin";
export const SA_USER = "system:serviceaccount:aicr:aicr";

export const R = {
  pods: { group: "", version: "v1", resource: "pods" },
  nodes: Nodes,
  namespaces: { group: "", version: "v1", resource: "namespaces" },
  configMaps: { group: "", version: "v1", resource: "configmaps" },
  serviceAccounts: { group: "", version: "v1", resource: "serviceaccounts" },
  jobs: { group: "batch", version: "v1", resource: "jobs" },
  daemonSets: { group: "apps", version: "v1", resource: "daemonsets" },
  roles: { group: "rbac.authorization.k8s.io", version: "v1", resource: "roles" },
  roleBindings: { group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings" },
  clusterRoles: { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles" },
  clusterRoleBindings: { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings" },
};

/** `$(NAME)` references expanded from the container's environment, as the kubelet does. */
export const expand = (s: string, env: Record<string, string>) => s.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => env[n] ?? m);

export type Plan = ContainerRun | ContainerWaiting;

/**
 * Runs the agent container: `decide` may replace what runs on a node (a hanging or failing agent);
 * otherwise the real agent (`bun agent/main.ts snapshot ...`) with `--host-root` pointed at
 * `hostRoot(node)`. Other containers (the DaemonSet's pause container) are left waiting.
 */
export function snapshotExecutor(o: { hostRoot: (node: string) => string; decide?: (node: string, argv: string[], ctx: ExecuteContext) => Plan | undefined }) {
  const real = agentExecutor({ repo: REPO, bun: BUN });
  return (pod: Obj, container: Obj, ctx: ExecuteContext): Plan | Promise<Plan> => {
    if (container["name"] !== "agent") return { waiting: { reason: "PodInitializing", message: "kubelet-sim does not run the pause container" } };
    const nodeName = String(pod["spec"]?.["nodeName"] ?? "");
    const args = ((container["args"] ?? []) as string[]).map((a) => expand(a, ctx.env));
    const hr = args.indexOf("--host-root");
    if (hr >= 0) args[hr + 1] = o.hostRoot(nodeName);
    const own = o.decide?.(nodeName, args, ctx);
    if (own) return own;
    return real(pod, { ...container, args }, ctx);
  };
}

export interface Cluster {
  api: KubeStandin;
  sim: KubeletSim;
  kubeconfig: string;
}

export function startCluster(nodes: Obj[], execute: ReturnType<typeof snapshotExecutor>): Cluster {
  const api = startStandin();
  for (const n of nodes) api.put(Nodes, n);
  const sim = new KubeletSim(api, { execute, killGraceMs: 500 }).start();
  const { kubeconfigPath } = standinClient(api, { user: ADMIN });
  return { api, sim, kubeconfig: kubeconfigPath };
}

export async function stopCluster(c: Cluster | undefined): Promise<void> {
  if (!c) return;
  await c.sim.stop();
  c.api.stop();
}

export { node };

export const tmp = mkdtempSync(join(tmpdir(), "aicr-snapshot-cluster-"));
export const removeTmp = () => rmSync(tmp, { recursive: true, force: true });

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawn `aicr snapshot ...` without blocking this process. */
export async function aicr(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AICR_") && k !== "KUBECONFIG" && !k.startsWith("KUBERNETES_")) childEnv[k] = v;
  const proc = Bun.spawn([BUN, join(REPO, "cli", "main.ts"), "snapshot", ...args], {
    cwd: REPO,
    env: { ...childEnv, HOME: tmp, NO_COLOR: "1", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

export const readIf = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined);

/** What a run left on the cluster, by kind. */
export function leftovers(api: KubeStandin, namespace = "aicr"): Obj {
  const names = (ref: { group: string; version: string; resource: string }, ns?: string) =>
    api
      .objects(ref)
      .filter((o) => ns === undefined || o["metadata"]["namespace"] === ns)
      .map((o) => String(o["metadata"]["name"]))
      .sort();
  return {
    namespace: names(R.namespaces).includes(namespace),
    jobs: names(R.jobs, namespace),
    daemonSets: names(R.daemonSets, namespace),
    pods: names(R.pods, namespace).length,
    configMaps: names(R.configMaps, namespace),
    serviceAccounts: names(R.serviceAccounts, namespace),
    roles: [...names(R.roles, namespace), ...names(R.roleBindings, namespace)],
    clusterRbac: [...names(R.clusterRoles), ...names(R.clusterRoleBindings)],
  };
}

export const nothingLeft = { namespace: false, jobs: [], daemonSets: [], pods: 0, configMaps: [], serviceAccounts: [], roles: [], clusterRbac: [] };
