/**
 * The Kubernetes collector (`type: K8s`): the API server's version, the images running in the
 * cluster, the NVIDIA GPU Operator ClusterPolicy spec and facts about this node, as four subtypes in
 * the order server, image, policy, node. Each sub-step that fails leaves its subtype empty (`server`
 * keeps its three keys as null); without any cluster all four are empty.
 */
import type { Measurement } from "../../core/schema/snapshot.ts";
import type { KubeClient, KubeObject } from "../kube/client.ts";
import { ClusterPolicies, Nodes, Pods } from "../kube/paths.ts";
import { AicrError, ErrorCode } from "../../core/errors.ts";
import { checkNotDone, nodeNameFromEnv, reportFailure, resolveKubeClient, withTimeout, type ClusterCollectContext, type KubeClientOption } from "./kube-client-option.ts";

/** The whole K8s collection must finish within this. */
export const DEFAULT_K8S_COLLECTOR_TIMEOUT_MS = 30_000;

export interface KubernetesCollectorOptions extends KubeClientOption {
  /** Node to describe; default from NODE_NAME, KUBERNETES_NODE_NAME, HOSTNAME. */
  nodeName?: string;
  timeoutMs?: number;
}

type Data = Record<string, unknown>;

/** `registry/team/app:1.0@sha256:…` → ["app", "1.0"]; no tag → "latest". */
export function imageNameAndTag(image: string): [string, string] {
  let s = image.slice(image.lastIndexOf("/") + 1);
  const at = s.indexOf("@");
  if (at >= 0) s = s.slice(0, at);
  const colon = s.lastIndexOf(":");
  return colon >= 0 ? [s.slice(0, colon), s.slice(colon + 1) || "latest"] : [s, "latest"];
}

/** JSON as Go writes it compactly: sorted keys, `<`, `>`, `&` escaped. */
function goCompactJson(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x !== null && typeof x === "object") {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) o[k] = sort((x as Record<string, unknown>)[k]);
      return o;
    }
    return x;
  };
  return JSON.stringify(sort(v))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A ClusterPolicy spec flattened to dotted keys, every value a string. */
export function flattenSpec(spec: unknown, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) return out;
  for (const [k, v] of Object.entries(spec)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) out[key] = "<nil>";
    else if (Array.isArray(v)) {
      if (v.length > 0) out[key] = goCompactJson(v);
    } else if (typeof v === "object") flattenSpec(v, key, out);
    else out[key] = String(v);
  }
  return out;
}

const providerAliases: Record<string, string> = { aws: "eks", gce: "gke", azure: "aks", oci: "oke" };

async function serverData(client: KubeClient, signal: AbortSignal): Promise<Data> {
  const v = await client.version({ signal });
  return { goVersion: v.goVersion ?? null, platform: v.platform ?? null, version: v.gitVersion ?? null };
}

async function imageData(client: KubeClient, signal: AbortSignal): Promise<Data> {
  const pods = await client.listAll<KubeObject>(Pods, { namespace: "", signal });
  const out: Data = {};
  for (const pod of pods) {
    const spec = (pod["spec"] ?? {}) as Record<string, unknown>;
    for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
      const list = Array.isArray(spec[field]) ? (spec[field] as { image?: unknown }[]) : [];
      for (const c of list) {
        if (typeof c?.image !== "string" || c.image === "") continue;
        const [name, tag] = imageNameAndTag(c.image);
        out[name] = tag;
      }
    }
  }
  return out;
}

async function policyData(client: KubeClient, signal: AbortSignal): Promise<Data> {
  let policies: KubeObject[];
  try {
    policies = await client.listAll<KubeObject>(ClusterPolicies, { signal });
  } catch (err) {
    // No ClusterPolicy CRD installed: nothing to report.
    if (err instanceof AicrError && err.code === ErrorCode.NotFound) return {};
    throw err;
  }
  const out: Data = {};
  for (const p of policies) if (p["spec"] !== undefined && p["spec"] !== null) Object.assign(out, flattenSpec(p["spec"]));
  return out;
}

async function nodeData(client: KubeClient, nodeName: string, signal: AbortSignal): Promise<Data> {
  if (nodeName === "") throw new AicrError(ErrorCode.InvalidRequest, "node name unknown: NODE_NAME, KUBERNETES_NODE_NAME and HOSTNAME are unset");
  const node = await client.get<KubeObject>(Nodes, nodeName, { signal });
  const spec = (node["spec"] ?? {}) as Record<string, unknown>;
  const info = (((node["status"] ?? {}) as Record<string, unknown>)["nodeInfo"] ?? {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === "string" ? v : "");
  const out: Data = { "source-node": nodeName };
  const providerId = s(spec["providerID"]);
  if (providerId !== "") {
    const idx = providerId.indexOf("://");
    const prefix = (idx >= 0 ? providerId.slice(0, idx) : providerId).trim().toLowerCase();
    out["provider"] = providerAliases[prefix] ?? prefix;
    out["provider-id"] = providerId;
  }
  const runtime = s(info["containerRuntimeVersion"]);
  if (runtime !== "") {
    out["container-runtime-id"] = runtime;
    const idx = runtime.indexOf("://");
    if (idx >= 0) {
      out["container-runtime-name"] = runtime.slice(0, idx);
      out["container-runtime-version"] = runtime.slice(idx + 3);
    }
  }
  for (const [key, field] of [
    ["kubelet-version", "kubeletVersion"],
    ["kernel-version", "kernelVersion"],
    ["operating-system", "operatingSystem"],
    ["os-image", "osImage"],
  ] as const) {
    if (s(info[field]) !== "") out[key] = info[field];
  }
  return out;
}

/** The K8s collector (name `k8s`). Its `collect` takes the agent's collector context. */
export function kubernetesCollector(opts: KubernetesCollectorOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_K8S_COLLECTOR_TIMEOUT_MS;
  return {
    name: "k8s",
    timeoutMs,
    async collect(ctx: ClusterCollectContext): Promise<Measurement> {
      checkNotDone(ctx.signal, "k8s");
      const signal = withTimeout(ctx.signal, timeoutMs);
      const empty = (subtype: string) => ({ subtype, data: {} as Data });
      const client = await resolveKubeClient(opts, "k8s", ctx);
      if (!client) return { type: "K8s", subtypes: ["server", "image", "policy", "node"].map(empty) };
      const nodeName = opts.nodeName ?? nodeNameFromEnv(opts.env ?? ctx.env ?? process.env);
      const step = async (subtype: string, fn: () => Promise<Data>, onFail: Data) => {
        try {
          return { subtype, data: await fn() };
        } catch (err) {
          reportFailure(opts, ctx, "k8s", subtype, err);
          return { subtype, data: onFail };
        }
      };
      // Sequential, like upstream: a slow API server is not hit by four requests at once.
      const subtypes = [
        await step("server", () => serverData(client, signal), { goVersion: null, platform: null, version: null }),
        await step("image", () => imageData(client, signal), {}),
        await step("policy", () => policyData(client, signal), {}),
        await step("node", () => nodeData(client, nodeName, signal), {}),
      ];
      return { type: "K8s", subtypes };
    },
  };
}
