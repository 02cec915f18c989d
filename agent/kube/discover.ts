/**
 * Finding the cluster to talk to, for every command and the agent: `--kubeconfig` when given, else
 * the KUBECONFIG list (colon-separated, merged like kubectl), else `~/.kube/config` when it exists,
 * else the in-cluster service account. `--context` picks another context than current-context.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import { staticCredentials, type Credentials, type CredentialSource, type KubeConnection } from "./connection.ts";
import { ExecPluginSource } from "./exec-plugin.ts";
import { inClusterAvailable, inClusterConnection } from "./in-cluster.ts";
import { loadKubeconfigFiles, selectContext, type Kubeconfig, type SelectedContext } from "./kubeconfig.ts";
import { TokenFileSource } from "./token-file.ts";

export interface DiscoverOptions {
  /** `--kubeconfig` path. */
  kubeconfig?: string;
  /** `--context` name. */
  context?: string;
  /** Environment (default: process.env); KUBECONFIG and the in-cluster variables come from here. */
  env?: Record<string, string | undefined>;
  /** Home directory for `~/.kube/config` (default: the user's). */
  home?: string;
  /** Service-account directory for in-cluster mode (tests). */
  serviceAccountDir?: string;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new AicrError(ErrorCode.NotFound, `${what} file not found: ${file}`);
    throw invalid(`cannot read ${what} file ${file}: ${code ?? (err as Error).message}`);
  }
}

/** Credentials of several sources combined (a kubeconfig client certificate plus an exec plugin's token). */
function combine(base: Credentials, dynamic: CredentialSource): CredentialSource {
  return {
    get: async (signal) => ({ ...base, ...(await dynamic.get(signal)) }),
    invalidate: () => dynamic.invalidate?.(),
  };
}

/** Build a connection from one chosen kubeconfig context. */
export function connectionFromContext(sel: SelectedContext, source: string, opts: { env?: Record<string, string | undefined> } = {}): KubeConnection {
  const { cluster, user } = sel;
  const who = sel.userName ? `user "${sel.userName}" (context "${sel.name}")` : `anonymous (context "${sel.name}")`;
  if (user.unsupported) throw invalid(`${who} uses ${user.unsupported}, which aicr does not support; use a token, a client certificate or an exec plugin`);
  const ca = cluster.caData ?? (cluster.caFile ? readPem(cluster.caFile, `certificate-authority of cluster "${sel.clusterName}"`) : undefined);
  const cert = user.certData ?? (user.certFile ? readPem(user.certFile, `client-certificate of user "${sel.userName}"`) : undefined);
  const key = user.keyData ?? (user.keyFile ? readPem(user.keyFile, `client-key of user "${sel.userName}"`) : undefined);
  if ((cert === undefined) !== (key === undefined)) {
    throw invalid(`${who} has a client ${cert === undefined ? "key" : "certificate"} but no client ${cert === undefined ? "certificate" : "key"}`);
  }
  const tlsCreds: Credentials = cert !== undefined && key !== undefined ? { cert, key } : {};
  let credentials: CredentialSource;
  if (user.exec) {
    const execSource = new ExecPluginSource(user.exec, {
      user: who,
      cluster: { server: cluster.server ?? "", insecure: cluster.insecure, ...(ca ? { caData: ca } : {}), ...(cluster.serverName ? { serverName: cluster.serverName } : {}) },
      ...(opts.env ? { baseEnv: opts.env } : {}),
    });
    credentials = combine(tlsCreds, execSource);
  } else if (user.tokenFile) {
    credentials = new TokenFileSource(user.tokenFile, tlsCreds);
  } else {
    credentials = staticCredentials(user.token ? { ...tlsCreds, token: user.token } : tlsCreds);
  }
  const conn: KubeConnection = {
    server: cluster.server as string,
    trust: { insecure: cluster.insecure, ...(ca !== undefined ? { ca } : {}), ...(cluster.serverName ? { serverName: cluster.serverName } : {}) },
    credentials,
    namespace: sel.namespace ?? "default",
    identity: who,
    source,
  };
  return conn;
}

/** The kubeconfig files that apply, in precedence order, and whether missing ones are tolerated. */
export function kubeconfigPaths(opts: DiscoverOptions): { paths: string[]; explicit: boolean } | undefined {
  if (opts.kubeconfig?.trim()) return { paths: [opts.kubeconfig.trim()], explicit: true };
  const env = opts.env ?? process.env;
  const list = (env["KUBECONFIG"] ?? "").split(delimiter).map((p) => p.trim()).filter((p) => p !== "");
  if (list.length > 0) return { paths: list, explicit: false };
  const home = join(opts.home ?? homedir(), ".kube", "config");
  if (existsSync(home)) return { paths: [home], explicit: false };
  return undefined;
}

/** Resolve the connection to use, or fail with NOT_FOUND when there is no cluster configuration at all. */
export function discoverConnection(opts: DiscoverOptions = {}): KubeConnection {
  const env = opts.env ?? process.env;
  const inCluster = { env, ...(opts.serviceAccountDir ? { serviceAccountDir: opts.serviceAccountDir } : {}) };
  const found = kubeconfigPaths(opts);
  let cfg: Kubeconfig | undefined;
  if (found) {
    cfg = loadKubeconfigFiles(found.paths, { ignoreMissing: !found.explicit });
    if (cfg.files.length === 0) cfg = undefined;
  }
  if (cfg) return connectionFromContext(selectContext(cfg, opts.context), cfg.files.join(delimiter), { env });
  if (opts.context?.trim()) {
    throw new AicrError(ErrorCode.NotFound, `context "${opts.context.trim()}" requested but no kubeconfig was found${found ? ` (KUBECONFIG lists ${found.paths.join(delimiter)}, none exist)` : ""}`);
  }
  if (inClusterAvailable(inCluster)) return inClusterConnection(inCluster);
  const why = found ? `KUBECONFIG lists ${found.paths.join(delimiter)}, none of which exists` : "no --kubeconfig, KUBECONFIG or ~/.kube/config";
  throw new AicrError(ErrorCode.NotFound, `no Kubernetes cluster configured: ${why}, and not running inside a cluster`);
}
