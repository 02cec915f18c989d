/**
 * What a Kubernetes client needs to reach one API server: its URL, how to trust it, who we are and
 * how to prove it. Built from a kubeconfig (see discover.ts) or from the in-cluster service account.
 */

/** Credentials presented on one request. Either may be absent (e.g. a token-only user). */
export interface Credentials {
  /** Bearer token. */
  token?: string;
  /** PEM client certificate and key (mutual TLS). */
  cert?: string;
  key?: string;
}

/** Produces credentials for each request; sources that can go stale re-read or re-run on demand. */
export interface CredentialSource {
  get(signal?: AbortSignal): Promise<Credentials>;
  /** Drop anything cached (called after a 401) so the next `get` fetches afresh. */
  invalidate?(): void;
}

export interface ServerTrust {
  /** PEM bundle that signs the server certificate; undefined = the system roots. */
  ca?: string;
  /** insecure-skip-tls-verify. */
  insecure: boolean;
  /** tls-server-name: name checked against the server certificate instead of the URL host. */
  serverName?: string;
}

export interface KubeConnection {
  /** Base URL of the API server, no trailing slash (e.g. https://10.0.0.1:6443). */
  server: string;
  trust: ServerTrust;
  credentials: CredentialSource;
  /** Default namespace of the context (or of the service account); "default" when unset. */
  namespace: string;
  /** Who we are, for error messages: `user "admin" (context "prod")`, `service account "system:serviceaccount:ns:aicr"`. */
  identity: string;
  /** Where the configuration came from: kubeconfig path(s) or "in-cluster". */
  source: string;
}

/** Credentials that never change. */
export const staticCredentials = (c: Credentials): CredentialSource => ({ get: async () => c });
