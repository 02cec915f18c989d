/**
 * Turning API server failures into AicrErrors whose codes decide exit statuses: a Kubernetes
 * `Status` body (or a bare HTTP status) by its code, and a failed connection by its cause.
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import { describeRequest } from "./paths.ts";

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    retryAfterSeconds?: number;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** The `Status` object in an error body, when there is one. */
export function parseStatus(body: string): KubeStatus | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    if (v !== null && typeof v === "object" && (v as KubeStatus).kind === "Status") return v as KubeStatus;
  } catch {
    // not JSON
  }
  return undefined;
}

/** Seconds to wait from a Retry-After header (seconds or HTTP date) or the Status details. */
export function retryAfterSeconds(header: string | null | undefined, status?: KubeStatus, now = Date.now()): number | undefined {
  if (header) {
    const h = header.trim();
    if (/^\d+$/.test(h)) return Number(h);
    const t = Date.parse(h);
    if (!Number.isNaN(t)) return Math.max(0, Math.ceil((t - now) / 1000));
  }
  const d = status?.details?.retryAfterSeconds;
  return typeof d === "number" && d >= 0 ? d : undefined;
}

export interface FailedRequest {
  method: string;
  path: string;
  server: string;
  identity: string;
}

function what(req: FailedRequest): string {
  const m = describeRequest(req.method, req.path);
  const res = m.group ? `${m.resource}.${m.group}` : m.resource;
  const obj = m.name ? `${res} "${m.name}"` : res;
  return `${m.verb} ${obj}${m.namespace ? ` in namespace "${m.namespace}"` : ""}`;
}

const forbiddenRe = /User "([^"]*)" cannot (\S+) resource "([^"]*)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]*)")?/;

function forbidden(req: FailedRequest, message: string): string {
  const m = forbiddenRe.exec(message);
  if (!m) return `${req.identity} is not allowed to ${what(req)}`;
  const [, user, verb, resource, group, ns] = m;
  const res = group ? `${resource}.${group}` : resource;
  const scope = ns ? ` in namespace "${ns}"` : " (cluster-wide)";
  const seenAs = user && !req.identity.includes(`"${user}"`) ? `, authenticated as "${user}",` : "";
  return `${req.identity}${seenAs} is not allowed to ${verb} ${res}${scope}`;
}

/** The error for a non-2xx answer. `attempts` > 1 is mentioned (the request was retried). */
export function statusError(req: FailedRequest, httpStatus: number, body: string, opts: { retryAfter?: string | null; attempts?: number } = {}): AicrError {
  const st = parseStatus(body);
  const serverMsg = (st?.message ?? body.trim().split("\n")[0] ?? "").slice(0, 500) || `HTTP ${httpStatus}`;
  const details = (st?.details?.causes ?? []).map((c) => [c.field, c.message].filter(Boolean).join(": ")).filter((s) => s !== "");
  const tries = (opts.attempts ?? 1) > 1 ? ` (after ${opts.attempts} attempts)` : "";
  const mk = (code: ErrorCode, msg: string) => new AicrError(code, msg, { details });
  switch (true) {
    case httpStatus === 401:
      return mk(ErrorCode.Unauthorized, `the API server ${req.server} rejected the credentials of ${req.identity}: ${serverMsg}`);
    case httpStatus === 403:
      return new AicrError(ErrorCode.Unauthorized, forbidden(req, serverMsg), { details: [serverMsg, ...details] });
    case httpStatus === 404:
      return mk(ErrorCode.NotFound, `cannot ${what(req)}: ${st?.message ?? "the server could not find the requested resource"}`);
    case httpStatus === 409:
      return mk(ErrorCode.Conflict, `cannot ${what(req)}: ${serverMsg}${tries}`);
    case httpStatus === 400 || httpStatus === 413 || httpStatus === 422:
      return mk(ErrorCode.InvalidRequest, `cannot ${what(req)}: ${serverMsg}`);
    case httpStatus === 405:
      return mk(ErrorCode.MethodNotAllowed, `cannot ${what(req)}: ${serverMsg}`);
    case httpStatus === 408:
      return mk(ErrorCode.Timeout, `cannot ${what(req)}: ${serverMsg}`);
    case httpStatus === 429: {
      const ra = retryAfterSeconds(opts.retryAfter, st);
      return mk(ErrorCode.RateLimitExceeded, `cannot ${what(req)}: the API server ${req.server} is throttling requests${ra !== undefined ? ` (Retry-After ${ra}s)` : ""}${tries}: ${serverMsg}`);
    }
    case httpStatus >= 500:
      return mk(ErrorCode.ServiceUnavailable, `cannot ${what(req)}: the API server ${req.server} answered HTTP ${httpStatus}${tries}: ${serverMsg}`);
    default:
      return mk(ErrorCode.Internal, `cannot ${what(req)}: unexpected HTTP ${httpStatus} from ${req.server}: ${serverMsg}`);
  }
}

/** The error for a request that got no HTTP answer at all. */
export function connectionError(req: FailedRequest, err: unknown, timeoutMs: number): AicrError {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === "TimeoutError") {
    return new AicrError(ErrorCode.Timeout, `cannot ${what(req)}: no answer from the API server ${req.server} within ${timeoutMs / 1000}s`, { cause: err });
  }
  if (e?.name === "AbortError") {
    return new AicrError(ErrorCode.Timeout, `cannot ${what(req)}: the request to ${req.server} was cancelled`, { cause: err });
  }
  const code = e?.code ?? "";
  const tls = /CERT|SIGNATURE|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|EPROTO|ALTNAME/i.test(code);
  const why =
    code === "ECONNREFUSED"
      ? "connection refused"
      : code === "ENOTFOUND" || code === "EAI_AGAIN"
        ? "host name not found"
        : tls
          ? `TLS failure (${e.message ?? code}); check the cluster's certificate-authority and the client certificate`
          : (e?.message ?? String(err));
  return new AicrError(ErrorCode.ServiceUnavailable, `cannot reach the Kubernetes API server at ${req.server}: ${why}`, { cause: err });
}
