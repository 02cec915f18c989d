/**
 * Reading the cluster for checks: whether an API is served (discovery: a kind whose CRD is not
 * installed is "not registered", which checks skip), gets that answer "absent" instead of throwing,
 * and how an API error reads in a finding. A 403 is never taken for "absent": a check that cannot
 * read what it must verify fails.
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import type { KubeClient, KubeObject } from "../kube/client.ts";
import { groupVersionPath, type ResourceRef } from "../kube/paths.ts";

type Obj = Record<string, any>;

export interface ServedResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const discoveryCache = new WeakMap<KubeClient, Map<string, Promise<ServedResource[] | undefined>>>();

/**
 * The resources of a group/version (discovery, subresources and metric names such as
 * `pods/gpu_utilization` included), or undefined when the group/version is not served.
 */
export function servedResources(client: KubeClient, group: string, version: string): Promise<ServedResource[] | undefined> {
  let cache = discoveryCache.get(client);
  if (!cache) discoveryCache.set(client, (cache = new Map()));
  const key = `${group}/${version}`;
  let p = cache.get(key);
  if (!p) {
    p = client
      .request<{ resources?: ServedResource[] }>({ method: "GET", path: groupVersionPath({ group, version }) })
      .then((list) => list.resources ?? [])
      .catch((err: unknown) => {
        if (err instanceof AicrError && err.code === ErrorCode.NotFound) return undefined;
        throw err;
      });
    cache.set(key, p);
  }
  return p;
}

/** The resource when the API serves it (its CRD is installed), else undefined. */
export async function served(client: KubeClient, group: string, version: string, resource: string): Promise<ResourceRef | undefined> {
  const list = await servedResources(client, group, version);
  const r = list?.find((x) => x.name === resource);
  return r ? { group, version, resource, namespaced: r.namespaced } : undefined;
}

/** The first of several versions that serves the resource. */
export async function servedAny(client: KubeClient, group: string, versions: readonly string[], resource: string): Promise<ResourceRef | undefined> {
  for (const v of versions) {
    const r = await served(client, group, v, resource);
    if (r) return r;
  }
  return undefined;
}

export const isForbidden = (err: unknown): boolean => err instanceof AicrError && err.code === ErrorCode.Unauthorized;
export const isNotFound = (err: unknown): boolean => err instanceof AicrError && err.code === ErrorCode.NotFound;

/** One line for a finding: the error's message without its code. */
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The object, or undefined when it does not exist (403 and other errors throw). */
export async function getOrAbsent<T = Obj>(client: KubeClient, ref: ResourceRef, name: string, namespace?: string): Promise<T | undefined> {
  try {
    return await client.get<T>(ref, name, namespace !== undefined ? { namespace } : {});
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Every object of a type (namespace "" or undefined for a namespaced type: all namespaces). */
export function listAll<T = Obj>(client: KubeClient, ref: ResourceRef, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): Promise<T[]> {
  return client.listAll<T>(ref, {
    ...(ref.namespaced ? { namespace: opts.namespace ?? "" } : {}),
    ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
    ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}),
  });
}

/** GET through the API server's service proxy (`/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>`). */
export function serviceProxy(client: KubeClient, namespace: string, service: string, port: string | number, path: string, query?: Record<string, string>): Promise<string> {
  const p = path.replace(/^\/+/, "");
  return client.requestText({
    method: "GET",
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${encodeURIComponent(String(port))}/proxy/${p}`,
    ...(query ? { query } : {}),
    accept: "*/*",
  });
}

export const nameOf = (o: KubeObject | Obj): string => String(o.metadata?.name ?? "");
export const qualifiedName = (o: KubeObject | Obj): string => (o.metadata?.namespace ? `${o.metadata.namespace}/${nameOf(o)}` : nameOf(o));

/** The condition of an object's status by type. */
export const conditionOf = (o: Obj, type: string): Obj | undefined => ((o["status"]?.["conditions"] ?? []) as Obj[]).find((c) => c["type"] === type);
export const conditionTrue = (o: Obj, type: string): boolean => conditionOf(o, type)?.["status"] === "True";
