/**
 * REST paths of Kubernetes resources (`/api/v1/...` for the core group, `/apis/<group>/<version>/...`
 * otherwise), the resources this project uses, and the reverse: what a request path and method
 * mean (verb, resource, namespace, name) for error messages.
 */

/** A kind of resource, by group, version and plural name. */
export interface ResourceRef {
  /** "" for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: "configmaps". */
  resource: string;
  namespaced: boolean;
}

export const ConfigMaps: ResourceRef = { group: "", version: "v1", resource: "configmaps", namespaced: true };
export const Nodes: ResourceRef = { group: "", version: "v1", resource: "nodes", namespaced: false };
export const Pods: ResourceRef = { group: "", version: "v1", resource: "pods", namespaced: true };
export const Namespaces: ResourceRef = { group: "", version: "v1", resource: "namespaces", namespaced: false };
export const ClusterPolicies: ResourceRef = { group: "nvidia.com", version: "v1", resource: "clusterpolicies", namespaced: false };

const seg = (s: string) => encodeURIComponent(s);

/** `/api/v1` or `/apis/<group>/<version>`. */
export const groupVersionPath = (ref: Pick<ResourceRef, "group" | "version">): string =>
  ref.group === "" ? `/api/${seg(ref.version)}` : `/apis/${seg(ref.group)}/${seg(ref.version)}`;

/**
 * Path of a collection or object. `namespace` undefined on a namespaced resource means "all
 * namespaces" (lists only).
 */
export function resourcePath(ref: ResourceRef, opts: { namespace?: string; name?: string; subresource?: string } = {}): string {
  let p = groupVersionPath(ref);
  if (ref.namespaced && opts.namespace !== undefined) p += `/namespaces/${seg(opts.namespace)}`;
  p += `/${seg(ref.resource)}`;
  if (opts.name !== undefined) p += `/${seg(opts.name)}`;
  if (opts.subresource !== undefined) p += `/${opts.subresource}`;
  return p;
}

export interface RequestMeaning {
  verb: string;
  /** Plural resource, with `/subresource` when there is one. */
  resource: string;
  group: string;
  namespace?: string;
  name?: string;
}

/** What a request does, read from its method and path (best effort; unknown paths give the path itself). */
export function describeRequest(method: string, path: string): RequestMeaning {
  const parts = path.split("?")[0]!.split("/").filter((s) => s !== "").map(decodeURIComponent);
  let rest: string[];
  let group = "";
  if (parts[0] === "api") rest = parts.slice(2);
  else if (parts[0] === "apis") {
    group = parts[1] ?? "";
    rest = parts.slice(3);
  } else return { verb: method.toLowerCase(), resource: path, group };
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = path, name, sub] = rest;
  const m = method.toUpperCase();
  const verb = m === "GET" ? (name === undefined ? "list" : "get") : m === "POST" ? "create" : m === "PUT" ? "update" : m === "PATCH" ? "patch" : m === "DELETE" ? "delete" : m.toLowerCase();
  const out: RequestMeaning = { verb, resource: sub ? `${resource}/${sub}` : resource, group };
  if (namespace !== undefined) out.namespace = namespace;
  if (name !== undefined) out.name = name;
  return out;
}
