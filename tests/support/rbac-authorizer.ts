/**
 * An RBAC authorizer for the stand-in, built from Role, ClusterRole, RoleBinding and
 * ClusterRoleBinding objects (for example the shipped manifests): it answers, as the API server
 * would, whether a user may perform a request. Service accounts are the user
 * `system:serviceaccount:<namespace>:<name>`.
 */
import type { RequestAttributes } from "./kube-standin.ts";

type Obj = Record<string, any>;

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes("*") || list.includes(v));

function ruleAllows(r: Rule, a: RequestAttributes): boolean {
  if (!has(r.verbs, a.verb) || !has(r.apiGroups, a.group) || !has(r.resources, a.resource)) return false;
  if (r.resourceNames && r.resourceNames.length > 0) return a.name !== undefined && r.resourceNames.includes(a.name);
  return true;
}

function subjectMatches(s: Obj, user: string): boolean {
  if (s["kind"] === "ServiceAccount") return user === `system:serviceaccount:${s["namespace"]}:${s["name"]}`;
  if (s["kind"] === "User") return user === s["name"];
  return false;
}

export function rbacAuthorizer(objects: readonly Obj[]): (a: RequestAttributes) => boolean {
  const byKind = (k: string) => objects.filter((o) => o["kind"] === k);
  return (a) => {
    for (const b of byKind("ClusterRoleBinding")) {
      if (!(b["subjects"] ?? []).some((s: Obj) => subjectMatches(s, a.user))) continue;
      const role = byKind("ClusterRole").find((r) => r["metadata"].name === b["roleRef"].name);
      if ((role?.["rules"] ?? []).some((r: Rule) => ruleAllows(r, a))) return true;
    }
    if (a.namespace === undefined) return false;
    for (const b of byKind("RoleBinding")) {
      if (b["metadata"].namespace !== a.namespace) continue;
      if (!(b["subjects"] ?? []).some((s: Obj) => subjectMatches(s, a.user))) continue;
      const role =
        b["roleRef"].kind === "ClusterRole"
          ? byKind("ClusterRole").find((r) => r["metadata"].name === b["roleRef"].name)
          : byKind("Role").find((r) => r["metadata"].name === b["roleRef"].name && r["metadata"].namespace === a.namespace);
      if ((role?.["rules"] ?? []).some((r: Rule) => ruleAllows(r, a))) return true;
    }
    return false;
  };
}
