/**
 * A small Kubernetes API client on Bun's fetch (TLS with the cluster's CA and the user's client
 * certificate; bearer tokens from static, file, exec-plugin or service-account sources). JSON in and
 * out, a timeout on every call, retries for throttling, server errors and write conflicts, and every
 * failure turned into an AicrError (see status-error.ts).
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import { VERSION } from "../../core/version.ts";
import type { Credentials, KubeConnection } from "./connection.ts";
import { discoverConnection, type DiscoverOptions } from "./discover.ts";
import { resourcePath, type ResourceRef } from "./paths.ts";
import { defaultRetryPolicy, isRetryable, retryDelayMs, type RetryPolicy } from "./retry.ts";
import { connectionError, parseStatus, retryAfterSeconds, statusError, type FailedRequest } from "./status-error.ts";

/** Time allowed for one API call (connection, answer and body), unless the call says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Objects asked for per page when listing everything. */
export const DEFAULT_LIST_PAGE_SIZE = 500;
/** Field manager recorded for server-side apply. */
export const DEFAULT_FIELD_MANAGER = "aicr";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface KubeClientOptions {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** How to wait between attempts (tests record the waits instead). */
  sleep?: Sleep;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call; 0 = none (log streams). */
  timeoutMs?: number;
}

export interface KubeRequest extends CallOptions {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  contentType?: string;
  accept?: string;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [k: string]: unknown;
}

export interface ListPage<T> {
  items: T[];
  /** Token for the next page; undefined on the last one. */
  continue?: string;
  resourceVersion?: string;
}

export interface ListOptions extends CallOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";
  object: T;
}

export interface WatchOptions extends Omit<ListOptions, "limit" | "continue" | "timeoutMs"> {
  /** Start after this version (from a list); absent: current objects first, as ADDED events. */
  resourceVersion?: string;
  /** Ask the server to end the watch after this long. */
  timeoutSeconds?: number;
}

export interface ServerVersion {
  major?: string;
  minor?: string;
  gitVersion?: string;
  platform?: string;
  goVersion?: string;
  [k: string]: unknown;
}

const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

const sameCreds = (a: Credentials, b: Credentials) => a.token === b.token && a.cert === b.cert && a.key === b.key;

export class KubeClient {
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly userAgent: string;

  constructor(
    readonly connection: KubeConnection,
    opts: KubeClientOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.policy = { ...defaultRetryPolicy, ...opts.retry };
    this.sleep = opts.sleep ?? defaultSleep;
    this.userAgent = opts.userAgent ?? `aicr/${VERSION}`;
  }

  get server(): string {
    return this.connection.server;
  }
  /** Namespace of the current context (or service account). */
  get namespace(): string {
    return this.connection.namespace;
  }
  get identity(): string {
    return this.connection.identity;
  }

  private url(path: string, query: KubeRequest["query"]): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== "") q.set(k, String(v));
    const qs = q.toString();
    return `${this.connection.server}${path}${qs ? `?${qs}` : ""}`;
  }

  private async fetchOnce(req: KubeRequest, creds: Credentials, signal: AbortSignal): Promise<Response> {
    const { trust } = this.connection;
    const headers: Record<string, string> = { accept: req.accept ?? "application/json", "user-agent": this.userAgent };
    if (creds.token) headers["authorization"] = `Bearer ${creds.token}`;
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
      headers["content-type"] = req.contentType ?? "application/json";
    }
    const tls: Record<string, unknown> = { rejectUnauthorized: !trust.insecure };
    if (trust.ca !== undefined && !trust.insecure) tls["ca"] = trust.ca;
    if (trust.serverName) tls["serverName"] = trust.serverName;
    if (creds.cert && creds.key) {
      tls["cert"] = creds.cert;
      tls["key"] = creds.key;
    }
    return fetch(this.url(req.path, req.query), { method: req.method, headers, body, signal, tls, redirect: "manual" } as RequestInit);
  }

  /**
   * Send a request and return the successful answer, body unread. Retries what `isRetryable` allows,
   * refreshes the credentials once after a 401, and throws an AicrError for everything else. The
   * timeout covers the whole call, retries and the waits between them included.
   */
  async send(req: KubeRequest): Promise<Response> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const signals = [...(req.signal ? [req.signal] : []), ...(timeoutMs > 0 ? [AbortSignal.timeout(timeoutMs)] : [])];
    const signal = AbortSignal.any(signals);
    const failed: FailedRequest = { method: req.method, path: req.path, server: this.server, identity: this.identity };
    const body = req.body as KubeObject | undefined;
    const hasPrecondition = typeof body === "object" && body !== null && !!body.metadata?.resourceVersion;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      let creds: Credentials = await this.connection.credentials.get(signal);
      let res: Response;
      try {
        res = await this.fetchOnce(req, creds, signal);
      } catch (err) {
        if (req.signal?.aborted) throw connectionError(failed, Object.assign(new Error("cancelled"), { name: "AbortError" }), timeoutMs);
        throw connectionError(failed, err, timeoutMs);
      }
      if (res.ok) return res;
      const text = await res.text().catch(() => "");
      if (res.status === 401 && !refreshed && this.connection.credentials.invalidate) {
        refreshed = true;
        this.connection.credentials.invalidate();
        const fresh = await this.connection.credentials.get(signal);
        if (!sameCreds(fresh, creds)) {
          creds = fresh;
          attempt--;
          continue;
        }
      }
      const st = parseStatus(text);
      const candidate = { method: req.method, status: res.status, hasPrecondition, ...(st?.reason ? { reason: st.reason } : {}) };
      if (attempt < this.policy.attempts && isRetryable(candidate)) {
        const wait = retryDelayMs(this.policy, attempt, res.status === 429 || res.status === 503 ? retryAfterSeconds(res.headers.get("retry-after"), st) : undefined);
        try {
          await this.sleep(wait, signal);
        } catch (err) {
          if (req.signal?.aborted) throw connectionError(failed, err, timeoutMs);
          // The call's time ran out while waiting to retry: report the server's last answer.
          throw statusError(failed, res.status, text, { retryAfter: res.headers.get("retry-after"), attempts: attempt });
        }
        continue;
      }
      throw statusError(failed, res.status, text, { retryAfter: res.headers.get("retry-after"), attempts: attempt });
    }
  }

  /** Send and read the answer as text. */
  async requestText(req: KubeRequest): Promise<string> {
    const res = await this.send(req);
    try {
      return await res.text();
    } catch (err) {
      throw connectionError({ method: req.method, path: req.path, server: this.server, identity: this.identity }, err, req.timeoutMs ?? this.timeoutMs);
    }
  }

  /** Send and decode the JSON answer. */
  async request<T>(req: KubeRequest): Promise<T> {
    const text = await this.requestText(req);
    if (text.trim() === "") return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new AicrError(ErrorCode.Internal, `the API server ${this.server} answered ${req.method} ${req.path} with something that is not JSON`, { cause: err });
    }
  }

  private ns(ref: ResourceRef, given?: string, obj?: KubeObject): string | undefined {
    if (!ref.namespaced) return undefined;
    return given ?? obj?.metadata?.namespace ?? this.namespace;
  }

  /** GET /version. */
  version(opts: CallOptions = {}): Promise<ServerVersion> {
    return this.request<ServerVersion>({ ...opts, method: "GET", path: "/version" });
  }

  get<T = KubeObject>(ref: ResourceRef, name: string, opts: CallOptions & { namespace?: string } = {}): Promise<T> {
    return this.request<T>({ ...opts, method: "GET", path: resourcePath(ref, { namespace: this.ns(ref, opts.namespace), name }) });
  }

  /**
   * One page of a list. A namespaced resource without `namespace` is listed in the context's
   * namespace; pass `namespace: ""` for all namespaces.
   */
  async list<T = KubeObject>(ref: ResourceRef, opts: ListOptions = {}): Promise<ListPage<T>> {
    const ns = ref.namespaced ? (opts.namespace === "" ? undefined : (opts.namespace ?? this.namespace)) : undefined;
    const raw = await this.request<{ items?: T[] | null; metadata?: { continue?: string; resourceVersion?: string } }>({
      ...opts,
      method: "GET",
      path: resourcePath(ref, ns === undefined ? {} : { namespace: ns }),
      query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.limit, continue: opts.continue },
    });
    const page: ListPage<T> = { items: raw.items ?? [] };
    if (raw.metadata?.continue) page.continue = raw.metadata.continue;
    if (raw.metadata?.resourceVersion) page.resourceVersion = raw.metadata.resourceVersion;
    return page;
  }

  /** Every object, following `continue` tokens page by page (`limit` per page, default 500). */
  async listAll<T = KubeObject>(ref: ResourceRef, opts: ListOptions = {}): Promise<T[]> {
    const out: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.list<T>(ref, { ...opts, limit: opts.limit ?? DEFAULT_LIST_PAGE_SIZE, ...(token ? { continue: token } : {}) });
      out.push(...page.items);
      token = page.continue;
    } while (token);
    return out;
  }

  /**
   * Watch a collection: events as they come, until the server ends the watch, `timeoutSeconds`
   * passes or `signal` fires. An ERROR event (e.g. 410 Gone) is thrown as its Status error.
   */
  async *watch<T = KubeObject>(ref: ResourceRef, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const ns = ref.namespaced ? (opts.namespace === "" ? undefined : (opts.namespace ?? this.namespace)) : undefined;
    const path = resourcePath(ref, ns === undefined ? {} : { namespace: ns });
    const res = await this.send({
      method: "GET",
      path,
      query: {
        watch: "true",
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        resourceVersion: opts.resourceVersion,
        timeoutSeconds: opts.timeoutSeconds,
        allowWatchBookmarks: "true",
      },
      timeoutMs: 0,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = "";
    const failed = { method: "GET", path, server: this.server, identity: this.identity };
    const parse = (line: string): WatchEvent<T> => {
      const ev = JSON.parse(line) as { type: string; object: unknown };
      if (ev.type === "ERROR") {
        const st = ev.object as { code?: number };
        throw statusError(failed, st.code ?? 500, JSON.stringify(ev.object));
      }
      return ev as WatchEvent<T>;
    };
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line !== "") yield parse(line);
        }
      }
    } catch (err) {
      if (err instanceof AicrError) throw err;
      if (opts.signal?.aborted) return;
      throw connectionError(failed, err, 0);
    }
    if (buf.trim() !== "") yield parse(buf.trim());
  }

  create<T = KubeObject>(ref: ResourceRef, obj: KubeObject, opts: CallOptions & { namespace?: string; fieldManager?: string } = {}): Promise<T> {
    return this.request<T>({
      ...opts,
      method: "POST",
      path: resourcePath(ref, { namespace: this.ns(ref, opts.namespace, obj) }),
      query: { fieldManager: opts.fieldManager },
      body: obj,
    });
  }

  /** PUT the object; a `metadata.resourceVersion` makes it conditional (409 when stale, never retried). */
  update<T = KubeObject>(ref: ResourceRef, obj: KubeObject, opts: CallOptions & { namespace?: string; fieldManager?: string } = {}): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new AicrError(ErrorCode.InvalidRequest, `cannot update ${ref.resource}: the object has no metadata.name`);
    return this.request<T>({
      ...opts,
      method: "PUT",
      path: resourcePath(ref, { namespace: this.ns(ref, opts.namespace, obj), name }),
      query: { fieldManager: opts.fieldManager },
      body: obj,
    });
  }

  delete(ref: ResourceRef, name: string, opts: CallOptions & { namespace?: string; propagationPolicy?: "Foreground" | "Background" | "Orphan" } = {}): Promise<unknown> {
    return this.request<unknown>({
      ...opts,
      method: "DELETE",
      path: resourcePath(ref, { namespace: this.ns(ref, opts.namespace), name }),
      ...(opts.propagationPolicy ? { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: opts.propagationPolicy } } : {}),
    });
  }

  /** Server-side apply (PATCH application/apply-patch+yaml): creates or updates the fields this manager owns. */
  apply<T = KubeObject>(ref: ResourceRef, obj: KubeObject, opts: CallOptions & { namespace?: string; fieldManager?: string; force?: boolean } = {}): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new AicrError(ErrorCode.InvalidRequest, `cannot apply ${ref.resource}: the object has no metadata.name`);
    return this.request<T>({
      ...opts,
      method: "PATCH",
      path: resourcePath(ref, { namespace: this.ns(ref, opts.namespace, obj), name }),
      query: { fieldManager: opts.fieldManager ?? DEFAULT_FIELD_MANAGER, force: opts.force ?? true },
      // JSON is YAML: the apply-patch body may be either.
      body: JSON.stringify(obj),
      contentType: "application/apply-patch+yaml",
    });
  }

  /** The log of a pod's container, as text. */
  podLogs(
    namespace: string,
    name: string,
    opts: CallOptions & { container?: string; tailLines?: number; previous?: boolean; sinceSeconds?: number; limitBytes?: number } = {},
  ): Promise<string> {
    return this.requestText({
      ...opts,
      method: "GET",
      path: resourcePath({ group: "", version: "v1", resource: "pods", namespaced: true }, { namespace, name, subresource: "log" }),
      query: { container: opts.container, tailLines: opts.tailLines, previous: opts.previous || undefined, sinceSeconds: opts.sinceSeconds, limitBytes: opts.limitBytes },
      accept: "text/plain, */*",
    });
  }
}

/** A client for the cluster found by `discoverConnection` (--kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster). */
export function createKubeClient(opts: DiscoverOptions & KubeClientOptions = {}): KubeClient {
  return new KubeClient(discoverConnection(opts), opts);
}
