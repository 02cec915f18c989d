/**
 * Exec credential plugins (`users[].user.exec` in a kubeconfig, API versions
 * client.authentication.k8s.io/v1 and v1beta1): run the command with its arguments and environment,
 * read an ExecCredential from its standard output and use `status.token` or
 * `status.clientCertificateData`/`clientKeyData`. The result is cached until its
 * `expirationTimestamp` (for ever when it has none) or until the server rejects it.
 */
import { AicrError, ErrorCode } from "../../core/errors.ts";
import type { Credentials, CredentialSource } from "./connection.ts";

/** Longest a credential plugin may run before it is killed. */
export const DEFAULT_EXEC_PLUGIN_TIMEOUT_MS = 60_000;

export const execCredentialApiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"] as const;

export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string;
}

export interface ExecClusterInfo {
  server: string;
  caData?: string;
  insecure: boolean;
  serverName?: string;
}

export interface ExecPluginOptions {
  /** Named in error messages: `user "x"`. */
  user: string;
  cluster: ExecClusterInfo;
  timeoutMs?: number;
  /** Environment the plugin inherits (default: this process's). */
  baseEnv?: Record<string, string | undefined>;
  /** Clock, for expiry checks. */
  now?: () => number;
}

interface Cached {
  creds: Credentials;
  /** Epoch ms after which the credential must be fetched again; Infinity when it does not expire. */
  expiresAt: number;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export class ExecPluginSource implements CredentialSource {
  private cached: Cached | undefined;
  private inflight: Promise<Cached> | undefined;

  constructor(
    readonly exec: ExecConfig,
    private readonly opts: ExecPluginOptions,
  ) {
    if (!(execCredentialApiVersions as readonly string[]).includes(exec.apiVersion)) {
      throw new AicrError(
        ErrorCode.InvalidRequest,
        `exec plugin of ${opts.user} uses unsupported apiVersion "${exec.apiVersion}" (supported: ${execCredentialApiVersions.join(", ")})`,
      );
    }
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async get(signal?: AbortSignal): Promise<Credentials> {
    if (this.cached && this.now() < this.cached.expiresAt) return this.cached.creds;
    this.inflight ??= this.run(signal).finally(() => {
      this.inflight = undefined;
    });
    this.cached = await this.inflight;
    return this.cached.creds;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private fail(message: string, cause?: unknown): AicrError {
    const hint = this.exec.installHint ? [this.exec.installHint.trim()] : [];
    return new AicrError(ErrorCode.Unauthorized, `cannot get credentials for ${this.opts.user}: ${message}`, { cause, details: hint });
  }

  private execInfo(): string {
    const spec: Record<string, unknown> = { interactive: false };
    if (this.exec.provideClusterInfo) {
      const c = this.opts.cluster;
      const cluster: Record<string, unknown> = { server: c.server };
      if (c.caData) cluster["certificate-authority-data"] = b64(c.caData);
      if (c.insecure) cluster["insecure-skip-tls-verify"] = true;
      if (c.serverName) cluster["tls-server-name"] = c.serverName;
      spec["cluster"] = cluster;
    }
    return JSON.stringify({ apiVersion: this.exec.apiVersion, kind: "ExecCredential", spec });
  }

  private async run(signal?: AbortSignal): Promise<Cached> {
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_EXEC_PLUGIN_TIMEOUT_MS;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.baseEnv ?? process.env)) if (v !== undefined) env[k] = v;
    for (const e of this.exec.env) env[e.name] = e.value;
    env["KUBERNETES_EXEC_INFO"] = this.execInfo();
    const stop = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]);
    let proc: ReturnType<typeof Bun.spawn>;
    try {
      proc = Bun.spawn({ cmd: [this.exec.command, ...this.exec.args], env, stdin: "ignore", stdout: "pipe", stderr: "pipe", signal: stop });
    } catch (err) {
      throw this.fail(`exec plugin "${this.exec.command}" could not be started (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, err);
    }
    const [out, errText, code] = await Promise.all([
      new Response(proc.stdout as ReadableStream).text(),
      new Response(proc.stderr as ReadableStream).text(),
      proc.exited,
    ]);
    if (stop.aborted) {
      const timedOut = !signal?.aborted;
      throw new AicrError(
        ErrorCode.Timeout,
        `cannot get credentials for ${this.opts.user}: exec plugin "${this.exec.command}" ${timedOut ? `did not finish within ${timeoutMs / 1000}s` : "was cancelled"}`,
      );
    }
    if (code !== 0) {
      const tail = errText.trim().split("\n").slice(-3).join(" / ");
      throw this.fail(`exec plugin "${this.exec.command}" exited with status ${code}${tail ? `: ${tail}` : ""}`);
    }
    return this.parse(out);
  }

  private parse(out: string): Cached {
    let doc: unknown;
    try {
      doc = JSON.parse(out);
    } catch (err) {
      throw this.fail(`exec plugin "${this.exec.command}" did not print an ExecCredential as JSON`, err);
    }
    const o = (doc ?? {}) as Record<string, unknown>;
    if (o["kind"] !== "ExecCredential") throw this.fail(`exec plugin "${this.exec.command}" printed kind "${String(o["kind"])}", expected ExecCredential`);
    if (o["apiVersion"] !== this.exec.apiVersion) {
      throw this.fail(`exec plugin "${this.exec.command}" answered with apiVersion "${String(o["apiVersion"])}", expected "${this.exec.apiVersion}"`);
    }
    const status = (o["status"] ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof status[k] === "string" && status[k] !== "" ? (status[k] as string) : undefined);
    const token = str("token");
    const cert = str("clientCertificateData");
    const key = str("clientKeyData");
    if (!token && !(cert && key)) throw this.fail(`exec plugin "${this.exec.command}" returned neither status.token nor status.clientCertificateData and clientKeyData`);
    if ((cert === undefined) !== (key === undefined)) throw this.fail(`exec plugin "${this.exec.command}" returned a client certificate without its key (or a key without its certificate)`);
    let expiresAt = Number.POSITIVE_INFINITY;
    const exp = str("expirationTimestamp");
    if (exp) {
      const t = Date.parse(exp);
      if (Number.isNaN(t)) throw this.fail(`exec plugin "${this.exec.command}" returned an unreadable expirationTimestamp "${exp}"`);
      expiresAt = t;
    }
    const creds: Credentials = {};
    if (token) creds.token = token;
    if (cert && key) {
      creds.cert = cert;
      creds.key = key;
    }
    return { creds, expiresAt };
  }
}
