/**
 * In-cluster configuration: the API server from KUBERNETES_SERVICE_HOST/PORT and the pod's service
 * account (token, ca.crt, namespace) from its mounted directory. The token is re-read whenever the
 * kubelet rotates it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AicrError, ErrorCode } from "../../core/errors.ts";
import type { KubeConnection } from "./connection.ts";
import { TokenFileSource } from "./token-file.ts";

/** Where the kubelet mounts the service account. */
export const DEFAULT_SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
/** Environment variable that moves the service-account directory (tests, unusual mounts). */
export const SERVICE_ACCOUNT_DIR_ENV = "AICR_SERVICEACCOUNT_DIR";

export interface InClusterOptions {
  env?: Record<string, string | undefined>;
  /** Service-account directory; default `$AICR_SERVICEACCOUNT_DIR` or the kubelet's path. */
  serviceAccountDir?: string;
}

function saDir(opts: InClusterOptions): string {
  const env = opts.env ?? process.env;
  return opts.serviceAccountDir ?? (env[SERVICE_ACCOUNT_DIR_ENV] || DEFAULT_SERVICE_ACCOUNT_DIR);
}

/** True when this process looks like it runs in a pod with a service account. */
export function inClusterAvailable(opts: InClusterOptions = {}): boolean {
  const env = opts.env ?? process.env;
  return !!env["KUBERNETES_SERVICE_HOST"] && !!env["KUBERNETES_SERVICE_PORT"] && existsSync(join(saDir(opts), "token"));
}

/** The `sub` claim of a service-account JWT (system:serviceaccount:ns:name), when readable. */
function tokenSubject(token: string): string | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
    return typeof claims["sub"] === "string" ? claims["sub"] : undefined;
  } catch {
    return undefined;
  }
}

export function inClusterConnection(opts: InClusterOptions = {}): KubeConnection {
  const env = opts.env ?? process.env;
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  const dir = saDir(opts);
  if (!host || !port) {
    throw new AicrError(ErrorCode.NotFound, "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  }
  const tokenPath = join(dir, "token");
  let token: string;
  try {
    token = readFileSync(tokenPath, "utf8").trim();
  } catch {
    throw new AicrError(ErrorCode.NotFound, `in-cluster service account token not found at ${tokenPath}`);
  }
  let ca: string | undefined;
  try {
    ca = readFileSync(join(dir, "ca.crt"), "utf8");
  } catch {
    ca = undefined;
  }
  let namespace = "default";
  try {
    namespace = readFileSync(join(dir, "namespace"), "utf8").trim() || "default";
  } catch {
    // no namespace file: "default"
  }
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const sub = tokenSubject(token);
  return {
    server: `https://${hostPart}:${port}`,
    trust: ca === undefined ? { insecure: false } : { ca, insecure: false },
    credentials: new TokenFileSource(tokenPath),
    namespace,
    identity: sub ? `service account "${sub}"` : `the service account of ${dir}`,
    source: "in-cluster",
  };
}
