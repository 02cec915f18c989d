/**
 * The agent's Kubernetes side, loaded only when a snapshot talks to a cluster: one client shared by the
 * K8s and NodeTopology collectors and the ConfigMap writer, created on first use.
 */
import { createKubeClient, type KubeClient } from "./kube/client.ts";
import { parseConfigMapUri, writeConfigMapDocument, type WriteResult } from "./kube/configmap.ts";
import { kubernetesCollector } from "./collectors/kubernetes.ts";
import { topologyCollector } from "./collectors/topology.ts";
import type { Collector } from "./collector.ts";

export { parseConfigMapUri };

export interface ClientRef {
  get(): KubeClient;
}

/** A client built on first use (discovery may fail: the collectors then degrade to "skipped"). */
export function lazyClient(opts: { kubeconfig?: string }): ClientRef {
  let client: KubeClient | undefined;
  return {
    get: () => (client ??= createKubeClient(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {})),
  };
}

export async function clusterCollectors(ref: ClientRef, onWarning: (message: string) => void): Promise<Collector[]> {
  const common = { client: () => ref.get(), onWarning: (m: string) => onWarning(m) };
  return [kubernetesCollector(common), topologyCollector(common)];
}

export function writeSnapshotConfigMap(ref: ClientRef, uri: string, content: string, format: "yaml" | "json", version: string, nodeName: string): Promise<WriteResult> {
  return writeConfigMapDocument(ref.get(), uri, { content, format, kind: "Snapshot", version, ...(nodeName ? { nodeName } : {}) });
}
