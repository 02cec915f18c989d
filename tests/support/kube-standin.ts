/**
 * A loopback stand-in for a Kubernetes API server, for tests: Bun.serve over TLS on 127.0.0.1 with
 * certificates made at test time. It serves the real REST paths (`/version`, discovery, and
 * `/api/v1/...` and `/apis/<group>/<version>/...` for any registered resource type) from a generic
 * in-memory store: GET, LIST with label/field selectors and limit/continue paging, POST, PUT with
 * resourceVersion conflicts, PATCH (server-side apply with field ownership, JSON merge patch),
 * DELETE, watches (newline-delimited events) and pod logs. Errors are Kubernetes `Status` bodies.
 *
 * Authentication: bearer tokens registered with `acceptToken` on `url`; client certificates on
 * `mtlsUrl` (a second listener that requires a certificate signed by the test CA). Tests can inject
 * failures (`inject`), forbid verbs (`forbid`) and read every request (`requests`).
 */
import { rmSync } from "node:fs";
import { parse as parseYamlText } from "yaml";
import { generateTestCerts, type TestCerts } from "./test-certs.ts";

export interface ResourceType {
  group: string;
  version: string;
  /** Plural. */
  resource: string;
  kind: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: string[];
  /** Subresources served: "status" returns the object; "log" returns the text set with `setPodLog`. */
  subresources?: string[];
  /** Extra validation on create/update/apply: a failure Status, or undefined. */
  validate?: (obj: Obj) => Status | undefined;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message: string;
  reason: string;
  code: number;
  details?: Record<string, unknown>;
}

export interface FailureRule {
  method?: string;
  /** Matches the URL path: exact string or a RegExp. */
  path?: string | RegExp;
  status: number;
  reason?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export interface ForbidRule {
  verb?: string;
  resource?: string;
  namespace?: string;
  user?: string;
}

/** What an authorizer decides on (the RBAC request attributes). */
export interface RequestAttributes {
  user: string;
  verb: string;
  group: string;
  /** Plural resource, with "/subresource" when there is one. */
  resource: string;
  namespace?: string;
  name?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | null;
  accept: string | null;
  userAgent: string | null;
  user: string | undefined;
  body: string;
  status: number;
}

type Obj = Record<string, any>;
type Handler = (req: Request, url: URL, user: string) => Response | Promise<Response> | undefined;

const MAX_CONFIGMAP_BYTES = 1024 * 1024;
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export const builtinTypes: ResourceType[] = [
  { group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false, singular: "namespace", shortNames: ["ns"], subresources: ["status"] },
  {
    group: "",
    version: "v1",
    resource: "configmaps",
    kind: "ConfigMap",
    namespaced: true,
    singular: "configmap",
    shortNames: ["cm"],
    validate: (o) => {
      let size = 0;
      for (const [k, v] of Object.entries((o["data"] ?? {}) as Record<string, string>)) size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
      for (const [k, v] of Object.entries((o["binaryData"] ?? {}) as Record<string, string>)) size += Buffer.byteLength(k) + Buffer.from(String(v), "base64").length;
      if (size <= MAX_CONFIGMAP_BYTES) return undefined;
      const msg = `Too long: must have at most ${MAX_CONFIGMAP_BYTES} bytes`;
      return status(422, "Invalid", `ConfigMap "${o["metadata"]?.name}" is invalid: []: ${msg}`, {
        name: o["metadata"]?.name,
        kind: "ConfigMap",
        causes: [{ reason: "FieldValueTooLong", message: msg, field: "[]" }],
      });
    },
  },
  { group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false, singular: "node", shortNames: ["no"], subresources: ["status"] },
  { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true, singular: "pod", shortNames: ["po"], subresources: ["status", "log"] },
  { group: "nvidia.com", version: "v1", resource: "clusterpolicies", kind: "ClusterPolicy", namespaced: false, singular: "clusterpolicy", subresources: ["status"] },
];

export function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code, ...(details ? { details } : {}) };
}

const json = (body: unknown, code = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status: code, headers: { "content-type": "application/json", ...headers } });
const statusResponse = (s: Status, headers: Record<string, string> = {}) => json(s, s.code, headers);

const gvKey = (group: string, version: string) => (group === "" ? version : `${group}/${version}`);
const typeKey = (t: Pick<ResourceType, "group" | "version" | "resource">) => `${gvKey(t.group, t.version)}/${t.resource}`;
const objKey = (ns: string | undefined, name: string) => `${ns ?? ""}/${name}`;
const clone = <T>(v: T): T => structuredClone(v);
const isMap = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const qualified = (t: ResourceType) => (t.group ? `${t.resource}.${t.group}` : t.resource);

/** Leaf paths of an object (maps recurse; arrays and scalars are leaves), as JSON strings. */
function leafPaths(v: unknown, prefix: string[] = [], out: Set<string> = new Set()): Set<string> {
  if (isMap(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) leafPaths(x, [...prefix, k], out);
  } else if (prefix.length > 0) out.add(JSON.stringify(prefix));
  return out;
}

const identityPaths = new Set(["apiVersion", "kind"].map((k) => JSON.stringify([k])));
const metaSkip = ["name", "namespace", "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"];
const ownedPaths = (o: Obj) => {
  const paths = leafPaths(o);
  for (const p of [...paths]) {
    const a = JSON.parse(p) as string[];
    if (identityPaths.has(p) || (a[0] === "metadata" && metaSkip.includes(a[1] ?? ""))) paths.delete(p);
  }
  return paths;
};

function getPath(o: unknown, path: string[]): unknown {
  let cur: unknown = o;
  for (const k of path) cur = isMap(cur) ? cur[k] : undefined;
  return cur;
}

function deletePath(o: Obj, path: string[]): void {
  const parents: Obj[] = [o];
  let cur: unknown = o;
  for (const k of path.slice(0, -1)) {
    cur = isMap(cur) ? cur[k] : undefined;
    if (!isMap(cur)) return;
    parents.push(cur);
  }
  delete parents[parents.length - 1]![path[path.length - 1]!];
  for (let i = parents.length - 1; i > 0; i--) {
    if (Object.keys(parents[i]!).length === 0) delete parents[i - 1]![path[i - 1]!];
    else break;
  }
}

function deepMerge(dst: Obj, src: Obj): Obj {
  for (const [k, v] of Object.entries(src)) {
    if (isMap(v) && isMap(dst[k])) deepMerge(dst[k], v);
    else dst[k] = clone(v);
  }
  return dst;
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  const out: Obj = isMap(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Selector {
  key: string;
  op: "=" | "!=" | "exists" | "!exists";
  value?: string;
}

function parseSelector(s: string | null): Selector[] {
  if (!s) return [];
  return s
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p): Selector => {
      if (p.startsWith("!")) return { key: p.slice(1), op: "!exists" };
      const ne = p.indexOf("!=");
      if (ne >= 0) return { key: p.slice(0, ne), op: "!=", value: p.slice(ne + 2) };
      const eq = p.indexOf("=");
      if (eq >= 0) return { key: p.slice(0, eq), op: "=", value: p.slice(eq + 1).replace(/^=/, "") };
      return { key: p, op: "exists" };
    });
}

const matches = (sel: Selector[], lookup: (k: string) => string | undefined) =>
  sel.every((s) => {
    const v = lookup(s.key);
    if (s.op === "exists") return v !== undefined;
    if (s.op === "!exists") return v === undefined;
    if (s.op === "=") return v === s.value;
    return v !== s.value;
  });

export interface StandinOptions {
  certs?: TestCerts;
  version?: Record<string, string>;
  /**
   * Refuse to create namespaced objects in a namespace that does not exist, as a real API server
   * does. Off by default: namespaces then come into being when something is stored in them.
   */
  strictNamespaces?: boolean;
}

export class KubeStandin {
  readonly certs: TestCerts;
  readonly requests: RecordedRequest[] = [];
  readonly tokens = new Map<string, string>();
  private readonly types = new Map<string, ResourceType>();
  private readonly store = new Map<string, Map<string, Obj>>();
  /** objKey within type → manager → owned paths. */
  private readonly owners = new Map<string, Map<string, Set<string>>>();
  private readonly failures: (FailureRule & { left: number })[] = [];
  private readonly forbidden: ForbidRule[] = [];
  private readonly logs = new Map<string, string>();
  private readonly handlers: Handler[] = [];
  private readonly watchers = new Map<string, Set<(type: string, o: Obj) => void>>();
  private rv = 1000;
  private readonly strictNamespaces: boolean;
  private readonly ownsCerts: boolean;
  /** Namespaces that exist only because something was stored in them (lenient mode). */
  private readonly implicitNamespaces = new Set<string>();
  private servers: ReturnType<typeof Bun.serve>[] = [];
  versionInfo: Record<string, string>;
  /** Decides every resource request not already refused by `forbid` (default: allow). */
  authorizer: ((a: RequestAttributes) => boolean) | undefined;
  url = "";
  mtlsUrl = "";

  private constructor(opts: StandinOptions) {
    this.ownsCerts = opts.certs === undefined;
    this.certs = opts.certs ?? generateTestCerts();
    this.strictNamespaces = opts.strictNamespaces ?? false;
    this.versionInfo = opts.version ?? {
      major: "1",
      minor: "31",
      gitVersion: "v1.31.4",
      gitCommit: "0000000000000000000000000000000000000000",
      gitTreeState: "clean",
      buildDate: "2025-01-01T00:00:00Z",
      goVersion: "go1.22.10",
      compiler: "gc",
      platform: "linux/amd64",
    };
    for (const t of builtinTypes) this.addType(t);
  }

  static start(opts: StandinOptions = {}): KubeStandin {
    const s = new KubeStandin(opts);
    const c = s.certs;
    const plain = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: c.serverCertPem, key: c.serverKeyPem },
      fetch: (req) => s.handle(req, undefined),
    });
    const mtls = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: c.serverCertPem, key: c.serverKeyPem, ca: c.caPem, requestCert: true, rejectUnauthorized: true },
      fetch: (req) => s.handle(req, c.clientUser),
    });
    s.servers = [plain, mtls];
    s.url = `https://127.0.0.1:${plain.port}`;
    s.mtlsUrl = `https://127.0.0.1:${mtls.port}`;
    return s;
  }

  /** Stop both listeners (open connections and watches are closed) and remove certificates it made. */
  stop(): void {
    for (const srv of this.servers) srv.stop(true);
    if (this.ownsCerts) rmSync(this.certs.dir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------------ test controls

  addType(t: ResourceType): void {
    this.types.set(typeKey(t), t);
    if (!this.store.has(typeKey(t))) this.store.set(typeKey(t), new Map());
  }

  /** Accept a bearer token as the given user. */
  acceptToken(token: string, user: string): void {
    this.tokens.set(token, user);
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** Make the next matching request(s) fail with a Status of `status`. */
  inject(rule: FailureRule): void {
    this.failures.push({ ...rule, left: rule.times ?? 1 });
  }

  /** Answer 403 to requests matching every given field. */
  forbid(rule: ForbidRule): void {
    this.forbidden.push(rule);
  }

  /** Handle some requests specially (first handler returning a Response wins, after authentication). */
  addHandler(h: Handler): void {
    this.handlers.push(h);
  }

  setPodLog(namespace: string, name: string, text: string, container = ""): void {
    this.logs.set(`${namespace}/${name}/${container}`, text);
  }

  private typeOf(ref: { group?: string; version: string; resource: string }): ResourceType {
    const t = this.types.get(typeKey({ group: ref.group ?? "", version: ref.version, resource: ref.resource }));
    if (!t) throw new Error(`stand-in: unknown resource type ${JSON.stringify(ref)}`);
    return t;
  }

  /** Store an object directly (no auth, no validation). Returns the stored copy. */
  put(ref: { group?: string; version: string; resource: string }, obj: Obj): Obj {
    const t = this.typeOf(ref);
    const o = this.finish(t, clone(obj), obj["metadata"]?.namespace);
    const k = objKey(t.namespaced ? o["metadata"].namespace : undefined, o["metadata"].name);
    const existed = this.store.get(typeKey(t))!.has(k);
    this.store.get(typeKey(t))!.set(k, o);
    this.emit(t, existed ? "MODIFIED" : "ADDED", o);
    return clone(o);
  }

  /** The stored object, or undefined. */
  object(ref: { group?: string; version: string; resource: string }, namespace: string | undefined, name: string): Obj | undefined {
    const t = this.typeOf(ref);
    const o = this.store.get(typeKey(t))!.get(objKey(t.namespaced ? namespace : undefined, name));
    return o ? clone(o) : undefined;
  }

  objects(ref: { group?: string; version: string; resource: string }): Obj[] {
    return [...this.store.get(typeKey(this.typeOf(ref)))!.values()].map(clone);
  }

  /** A kubeconfig for this server. `mtls` targets the client-certificate listener. */
  kubeconfig(opts: { user?: Obj; mtls?: boolean; cluster?: Obj; namespace?: string; context?: string } = {}): string {
    const ctx = opts.context ?? "standin";
    const cluster = opts.cluster ?? { "certificate-authority-data": Buffer.from(this.certs.caPem).toString("base64") };
    const doc = {
      apiVersion: "v1",
      kind: "Config",
      "current-context": ctx,
      clusters: [{ name: "standin", cluster: { server: opts.mtls ? this.mtlsUrl : this.url, ...cluster } }],
      users: [{ name: "tester", user: opts.user ?? {} }],
      contexts: [{ name: ctx, context: { cluster: "standin", user: "tester", ...(opts.namespace ? { namespace: opts.namespace } : {}) } }],
    };
    return JSON.stringify(doc, null, 2);
  }

  // ------------------------------------------------------------------ serving

  private nextRv(): string {
    return String(++this.rv);
  }

  private finish(t: ResourceType, o: Obj, ns: string | undefined): Obj {
    o["apiVersion"] = gvKey(t.group, t.version);
    o["kind"] = t.kind;
    o["metadata"] ??= {};
    const m = o["metadata"];
    if (t.namespaced) {
      m.namespace = ns ?? m.namespace ?? "default";
      this.ensureNamespace(m.namespace);
    } else delete m.namespace;
    m.uid ??= crypto.randomUUID();
    m.creationTimestamp ??= new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    m.resourceVersion = this.nextRv();
    return o;
  }

  /** Namespaces spring into being when something is stored in them (a lenient server: tests need not create them). */
  private ensureNamespace(name: string): void {
    const nsType = this.types.get("v1/namespaces")!;
    const items = this.store.get(typeKey(nsType))!;
    if (items.has(objKey(undefined, name))) return;
    this.implicitNamespaces.add(name);
    items.set(
      objKey(undefined, name),
      this.finish(nsType, { metadata: { name }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } }, undefined),
    );
  }

  private async handle(req: Request, certUser: string | undefined): Promise<Response> {
    const url = new URL(req.url);
    const body = req.method === "GET" || req.method === "HEAD" ? "" : await req.text();
    const auth = req.headers.get("authorization");
    const token = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : undefined;
    const user = certUser ?? (token !== undefined ? this.tokens.get(token) : undefined);
    const record: RecordedRequest = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers.get("content-type"),
      accept: req.headers.get("accept"),
      userAgent: req.headers.get("user-agent"),
      user,
      body,
      status: 0,
    };
    this.requests.push(record);
    const res = await this.route(req, url, body, user);
    record.status = res.status;
    return res;
  }

  private async route(req: Request, url: URL, body: string, user: string | undefined): Promise<Response> {
    if (user === undefined) return statusResponse(status(401, "Unauthorized", "Unauthorized"));
    const idx = this.failures.findIndex(
      (f) => f.left > 0 && (!f.method || f.method === req.method) && (!f.path || (typeof f.path === "string" ? f.path === url.pathname : f.path.test(url.pathname))),
    );
    if (idx >= 0) {
      const f = this.failures[idx]!;
      f.left--;
      const reason = f.reason ?? defaultReason(f.status);
      const headers: Record<string, string> = f.retryAfterSeconds !== undefined ? { "retry-after": String(f.retryAfterSeconds) } : {};
      const details = f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : undefined;
      return statusResponse(status(f.status, reason, f.message ?? defaultMessage(f.status), details), headers);
    }
    for (const h of this.handlers) {
      const r = await h(req, url, user);
      if (r) return r;
    }
    if (body.length > MAX_BODY_BYTES) return statusResponse(status(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728"));
    const p = url.pathname.replace(/\/+$/, "");
    if (p === "/version") return json(this.versionInfo);
    if (p === "/api") return json({ kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: new URL(this.url).host }] });
    if (p === "/apis") return json({ kind: "APIGroupList", apiVersion: "v1", groups: this.groups() });
    const parts = p.split("/").filter((s) => s !== "").map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === "api" && parts.length >= 2) {
      group = "";
      version = parts[1]!;
      rest = parts.slice(2);
    } else if (parts[0] === "apis" && parts.length === 2) {
      const g = this.groups().find((x) => x.name === parts[1]);
      return g ? json({ kind: "APIGroup", apiVersion: "v1", ...g }) : this.notFoundPath();
    } else if (parts[0] === "apis" && parts.length >= 3) {
      group = parts[1]!;
      version = parts[2]!;
      rest = parts.slice(3);
    } else return this.notFoundPath();
    const inGv = [...this.types.values()].filter((t) => t.group === group && t.version === version);
    if (inGv.length === 0) return this.notFoundPath();
    if (rest.length === 0) return json(this.resourceList(group, version, inGv));
    let ns: string | undefined;
    let resource: string;
    let name: string | undefined;
    let sub: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3 && inGv.some((t) => t.resource === rest[2] && t.namespaced)) {
      ns = rest[1];
      [resource, name, sub] = rest.slice(2) as [string, string?, string?];
    } else {
      [resource, name, sub] = rest as [string, string?, string?];
    }
    const t = inGv.find((x) => x.resource === resource);
    if (!t || rest.length > (ns === undefined ? 3 : 5)) return this.notFoundPath();
    if (sub !== undefined && !(t.subresources ?? []).includes(sub)) return this.notFoundPath();
    const verb = this.verbOf(req.method, name, url);
    const attrs: RequestAttributes = { user, verb, group: t.group, resource: sub ? `${resource}/${sub}` : resource, ...(ns !== undefined ? { namespace: ns } : {}), ...(name !== undefined ? { name } : {}) };
    const isApplyCreate =
      req.method === "PATCH" &&
      name !== undefined &&
      (req.headers.get("content-type") ?? "").startsWith("application/apply-patch+yaml") &&
      !this.store.get(typeKey(t))!.has(objKey(t.namespaced ? ns : undefined, name));
    // Server-side apply of an object that does not exist yet needs create as well as patch.
    const denied = [attrs, ...(isApplyCreate ? [{ ...attrs, verb: "create" }] : [])].find((a) => !this.allowed(a));
    if (denied) {
      const verb = denied.verb;
      const target = name ? `${qualified(t)} "${name}"` : qualified(t);
      const scope = ns !== undefined ? ` in the namespace "${ns}"` : " at the cluster scope";
      return statusResponse(
        status(403, "Forbidden", `${target} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${t.group}"${scope}`, {
          ...(name ? { name } : {}),
          ...(t.group ? { group: t.group } : {}),
          kind: resource,
        }),
      );
    }
    if (t.namespaced && ns === undefined && name !== undefined) return this.notFoundPath();
    return this.operate(t, req, url, body, ns, name, sub);
  }

  private allowed(a: RequestAttributes): boolean {
    const rule = this.forbidden.find(
      (f) => (!f.verb || f.verb === a.verb) && (!f.resource || f.resource === a.resource) && (!f.namespace || f.namespace === a.namespace) && (!f.user || f.user === a.user),
    );
    if (rule) return false;
    return this.authorizer ? this.authorizer(a) : true;
  }

  private verbOf(method: string, name: string | undefined, url: URL): string {
    if (method === "GET") return name === undefined ? (url.searchParams.get("watch") === "true" ? "watch" : "list") : "get";
    return { POST: "create", PUT: "update", PATCH: "patch", DELETE: name === undefined ? "deletecollection" : "delete" }[method] ?? method.toLowerCase();
  }

  private notFoundPath(): Response {
    return statusResponse(status(404, "NotFound", "the server could not find the requested resource", { causes: [{ reason: "UnexpectedServerResponse", message: "404 page not found" }] }));
  }

  private groups() {
    const byGroup = new Map<string, string[]>();
    for (const t of this.types.values()) {
      if (t.group === "") continue;
      const vs = byGroup.get(t.group) ?? [];
      if (!vs.includes(t.version)) vs.push(t.version);
      byGroup.set(t.group, vs);
    }
    return [...byGroup].map(([name, vs]) => ({
      name,
      versions: vs.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${vs[0]}`, version: vs[0] },
    }));
  }

  private resourceList(group: string, version: string, types: ResourceType[]) {
    const verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    const resources: Obj[] = [];
    for (const t of types) {
      resources.push({
        name: t.resource,
        singularName: t.singular ?? t.kind.toLowerCase(),
        namespaced: t.namespaced,
        kind: t.kind,
        verbs,
        ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      });
      for (const s of t.subresources ?? []) {
        resources.push({ name: `${t.resource}/${s}`, singularName: "", namespaced: t.namespaced, kind: t.kind, verbs: s === "log" ? ["get"] : ["get", "patch", "update"] });
      }
    }
    return { kind: "APIResourceList", apiVersion: "v1", groupVersion: gvKey(group, version), resources };
  }

  private parseBody(body: string, contentType: string | null): Obj | Response {
    try {
      const v = contentType?.includes("yaml") ? parseYamlText(body) : JSON.parse(body);
      if (!isMap(v)) throw new Error("not an object");
      return v;
    } catch (err) {
      return statusResponse(status(400, "BadRequest", `the body of the request was in an unknown format: ${(err as Error).message}`));
    }
  }

  private operate(t: ResourceType, req: Request, url: URL, body: string, ns: string | undefined, name: string | undefined, sub: string | undefined): Response {
    const items = this.store.get(typeKey(t))!;
    const key = name === undefined ? "" : objKey(t.namespaced ? ns : undefined, name);
    const existing = name === undefined ? undefined : items.get(key);
    const notFound = () => statusResponse(status(404, "NotFound", `${qualified(t)} "${name}" not found`, { name, ...(t.group ? { group: t.group } : {}), kind: t.resource }));
    const q = url.searchParams;
    switch (req.method) {
      case "GET": {
        if (name === undefined) return this.list(t, items, ns, q);
        if (!existing) return notFound();
        if (sub === "log") {
          const container = q.get("container") ?? "";
          const text = this.logs.get(`${ns}/${name}/${container}`) ?? this.logs.get(`${ns}/${name}/`) ?? "";
          return new Response(text, { headers: { "content-type": "text/plain" } });
        }
        return json(existing);
      }
      case "POST": {
        if (name !== undefined) return statusResponse(status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
        const parsed = this.parseBody(body, req.headers.get("content-type"));
        if (parsed instanceof Response) return parsed;
        const meta = (parsed["metadata"] ??= {});
        if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${Math.random().toString(36).slice(2, 7)}`;
        if (!meta.name) return statusResponse(status(422, "Invalid", `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`));
        const k = objKey(t.namespaced ? ns : undefined, meta.name);
        if (t.resource === "namespaces" && t.group === "" && this.implicitNamespaces.delete(meta.name)) items.delete(k);
        const missingNs = this.missingNamespace(t, ns);
        if (missingNs) return missingNs;
        if (items.has(k)) return statusResponse(status(409, "AlreadyExists", `${qualified(t)} "${meta.name}" already exists`, { name: meta.name, kind: t.resource }));
        const invalid = t.validate?.(parsed);
        if (invalid) return statusResponse(invalid);
        const o = this.finish(t, clone(parsed), ns);
        items.set(k, o);
        this.emit(t, "ADDED", o);
        this.takeOwnership(t, k, q.get("fieldManager") ?? "unknown", ownedPaths(o), o);
        return json(o, 201);
      }
      case "PUT": {
        if (name === undefined) return statusResponse(status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
        const parsed = this.parseBody(body, req.headers.get("content-type"));
        if (parsed instanceof Response) return parsed;
        if (parsed["metadata"]?.name !== name) return statusResponse(status(400, "BadRequest", `the name of the object (${parsed["metadata"]?.name}) does not match the name on the URL (${name})`));
        if (!existing) return notFound();
        const rv = parsed["metadata"]?.resourceVersion;
        if (rv && rv !== existing["metadata"].resourceVersion) {
          return statusResponse(
            status(409, "Conflict", `Operation cannot be fulfilled on ${qualified(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, {
              name,
              kind: t.resource,
            }),
          );
        }
        const invalid = t.validate?.(parsed);
        if (invalid) return statusResponse(invalid);
        const o = clone(parsed);
        o["metadata"].uid = existing["metadata"].uid;
        o["metadata"].creationTimestamp = existing["metadata"].creationTimestamp;
        this.finish(t, o, ns);
        items.set(key, o);
        this.emit(t, "MODIFIED", o);
        this.takeOwnership(t, key, q.get("fieldManager") ?? "unknown", ownedPaths(o), o);
        return json(o);
      }
      case "PATCH":
        return this.patch(t, req, q, body, ns, name, key, existing);
      case "DELETE": {
        if (name === undefined) return statusResponse(status(405, "MethodNotAllowed", "deletecollection is not served by the stand-in"));
        if (!existing) return notFound();
        items.delete(key);
        this.emit(t, "DELETED", { ...existing, metadata: { ...existing["metadata"], resourceVersion: this.nextRv() } });
        this.owners.delete(`${typeKey(t)}|${key}`);
        return json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, kind: t.resource, uid: existing["metadata"].uid } });
      }
      default:
        return statusResponse(status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
    }
  }

  /**
   * A watch: newline-delimited `{type, object}` events. Without a resourceVersion (or with "0") the
   * current objects come first as ADDED; then every change until `timeoutSeconds` or the server stops.
   */
  private watch(t: ResourceType, items: Map<string, Obj>, selected: (o: Obj) => boolean, q: URLSearchParams): Response {
    const rv = q.get("resourceVersion");
    const timeout = Number(q.get("timeoutSeconds") ?? "0");
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const enc = new TextEncoder();
        const send = (type: string, object: Obj) => controller.enqueue(enc.encode(`${JSON.stringify({ type, object })}\n`));
        if (!rv || rv === "0") for (const o of items.values()) if (selected(o)) send("ADDED", o);
        const listener = (type: string, o: Obj) => {
          if (selected(o)) send(type, o);
        };
        const set = this.watchers.get(typeKey(t)) ?? new Set();
        this.watchers.set(typeKey(t), set);
        set.add(listener);
        const timer = timeout > 0 ? setTimeout(() => close(), timeout * 1000) : undefined;
        const close = () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed
          }
        };
        cleanup = () => {
          set.delete(listener);
          if (timer) clearTimeout(timer);
        };
      },
      cancel: () => cleanup(),
    });
    return new Response(stream, { headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
  }

  private emit(t: ResourceType, type: "ADDED" | "MODIFIED" | "DELETED", o: Obj): void {
    for (const l of this.watchers.get(typeKey(t)) ?? []) l(type, clone(o));
  }

  /** In strict mode, the 404 for creating in a namespace that does not exist. */
  private missingNamespace(t: ResourceType, ns: string | undefined): Response | undefined {
    if (!this.strictNamespaces || !t.namespaced || ns === undefined) return undefined;
    if (this.store.get("v1/namespaces")!.has(objKey(undefined, ns))) return undefined;
    return statusResponse(status(404, "NotFound", `namespaces "${ns}" not found`, { name: ns, kind: "namespaces" }));
  }

  private list(t: ResourceType, items: Map<string, Obj>, ns: string | undefined, q: URLSearchParams): Response {
    const labels = parseSelector(q.get("labelSelector"));
    const fields = parseSelector(q.get("fieldSelector"));
    const selected = (o: Obj) =>
      (ns === undefined || o["metadata"].namespace === ns) &&
      matches(labels, (k) => o["metadata"].labels?.[k]) &&
      matches(fields, (k) => {
        const v = getPath(o, k.split("."));
        return v === undefined ? undefined : String(v);
      });
    if (q.get("watch") === "true" || q.get("watch") === "1") return this.watch(t, items, selected, q);
    const all = [...items.entries()].filter(([, o]) => selected(o)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let start = 0;
    const cont = q.get("continue");
    if (cont) {
      let after: string;
      try {
        after = (JSON.parse(Buffer.from(cont, "base64url").toString("utf8")) as { after: string }).after;
      } catch {
        return statusResponse(status(400, "BadRequest", "continue key is not valid: illegal base64 data"));
      }
      start = all.findIndex(([k]) => k > after);
      if (start < 0) start = all.length;
    }
    const limit = Number(q.get("limit") ?? "0");
    const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
    const page = all.slice(start, end);
    const metadata: Obj = { resourceVersion: String(this.rv) };
    if (end < all.length) {
      metadata["continue"] = Buffer.from(JSON.stringify({ after: page[page.length - 1]![0] })).toString("base64url");
      metadata["remainingItemCount"] = all.length - end;
    }
    return json({ kind: `${t.kind}List`, apiVersion: gvKey(t.group, t.version), metadata, items: page.map(([, o]) => o) });
  }

  private takeOwnership(t: ResourceType, key: string, manager: string, paths: Set<string>, obj: Obj, previous?: Obj): void {
    const ok = `${typeKey(t)}|${key}`;
    const byManager = this.owners.get(ok) ?? new Map<string, Set<string>>();
    this.owners.set(ok, byManager);
    for (const [m, set] of byManager) {
      if (m === manager) continue;
      for (const p of paths) {
        const path = JSON.parse(p) as string[];
        if (!previous || JSON.stringify(getPath(previous, path)) !== JSON.stringify(getPath(obj, path))) set.delete(p);
      }
    }
    byManager.set(manager, new Set(paths));
  }

  private patch(t: ResourceType, req: Request, q: URLSearchParams, body: string, ns: string | undefined, name: string | undefined, key: string, existing: Obj | undefined): Response {
    if (name === undefined) return statusResponse(status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
    const items = this.store.get(typeKey(t))!;
    const ct = (req.headers.get("content-type") ?? "").split(";")[0]!.trim();
    if (ct === "application/apply-patch+yaml") {
      const manager = q.get("fieldManager");
      if (!manager) return statusResponse(status(400, "BadRequest", "PATCH, fieldManager is required for apply requests"));
      const applied = this.parseBody(body, "yaml");
      if (applied instanceof Response) return applied;
      if (applied["metadata"]?.name !== undefined && applied["metadata"].name !== name) {
        return statusResponse(status(400, "BadRequest", `the name of the object (${applied["metadata"].name}) does not match the name on the URL (${name})`));
      }
      const force = q.get("force") === "true";
      const missingNs = existing ? undefined : this.missingNamespace(t, ns);
      if (missingNs) return missingNs;
      const paths = ownedPaths(applied);
      const byManager = this.owners.get(`${typeKey(t)}|${key}`) ?? new Map<string, Set<string>>();
      if (existing && !force) {
        const conflicts: string[] = [];
        for (const [m, set] of byManager) {
          if (m === manager) continue;
          for (const p of paths) {
            const path = JSON.parse(p) as string[];
            if (set.has(p) && JSON.stringify(getPath(existing, path)) !== JSON.stringify(getPath(applied, path))) conflicts.push(`conflict with "${m}": .${path.join(".")}`);
          }
        }
        if (conflicts.length > 0) {
          return statusResponse(
            status(409, "Conflict", `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? "s" : ""}: ${conflicts.join("\n")}`, {
              causes: conflicts.map((c) => ({ reason: "FieldManagerConflict", message: c })),
            }),
          );
        }
      }
      const next: Obj = existing ? clone(existing) : { metadata: { name, ...(t.namespaced ? { namespace: ns } : {}) } };
      const mine = byManager.get(manager) ?? new Set<string>();
      for (const p of mine) {
        if (paths.has(p)) continue;
        const ownedByOthers = [...byManager].some(([m, set]) => m !== manager && set.has(p));
        if (!ownedByOthers) deletePath(next, JSON.parse(p) as string[]);
      }
      const { apiVersion: _a, kind: _k, ...content } = applied;
      deepMerge(next, content);
      next["metadata"].name = name;
      const invalid = t.validate?.(next);
      if (invalid) return statusResponse(invalid);
      if (existing) {
        next["metadata"].uid = existing["metadata"].uid;
        next["metadata"].creationTimestamp = existing["metadata"].creationTimestamp;
      }
      const o = this.finish(t, next, ns);
      items.set(key, o);
      this.emit(t, existing ? "MODIFIED" : "ADDED", o);
      this.takeOwnership(t, key, manager, paths, o, existing);
      return json(o, existing ? 200 : 201);
    }
    if (ct === "application/merge-patch+json" || ct === "application/strategic-merge-patch+json") {
      if (!existing) return statusResponse(status(404, "NotFound", `${qualified(t)} "${name}" not found`, { name, kind: t.resource }));
      const patchBody = this.parseBody(body, "json");
      if (patchBody instanceof Response) return patchBody;
      const next = mergePatch(existing, patchBody) as Obj;
      const invalid = t.validate?.(next);
      if (invalid) return statusResponse(invalid);
      next["metadata"].uid = existing["metadata"].uid;
      const o = this.finish(t, next, ns);
      items.set(key, o);
      this.emit(t, "MODIFIED", o);
      return json(o);
    }
    return statusResponse(status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`));
  }
}

function defaultReason(code: number): string {
  return (
    {
      400: "BadRequest",
      401: "Unauthorized",
      403: "Forbidden",
      404: "NotFound",
      405: "MethodNotAllowed",
      409: "Conflict",
      410: "Expired",
      413: "RequestEntityTooLarge",
      422: "Invalid",
      429: "TooManyRequests",
      500: "InternalError",
      503: "ServiceUnavailable",
      504: "Timeout",
    } as Record<number, string>
  )[code] ?? "Unknown";
}

function defaultMessage(code: number): string {
  return (
    {
      401: "Unauthorized",
      403: "forbidden",
      404: "the server could not find the requested resource",
      409: "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again",
      422: "the object is invalid",
      429: "Too many requests, please try again later.",
      500: "Internal error occurred: injected failure",
      503: "the server is currently unable to handle the request",
    } as Record<number, string>
  )[code] ?? `injected failure ${code}`;
}
