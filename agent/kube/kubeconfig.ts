/**
 * Kubeconfig files: reading one (relative paths resolved against the file's directory, `*-data`
 * fields decoded), merging several the way kubectl merges a KUBECONFIG list (the first file that
 * names a cluster, user or context wins; current-context comes from the first file that sets it),
 * and choosing the context to use.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import { parseYaml } from "../../core/yaml.ts";
import type { ExecConfig } from "./exec-plugin.ts";

export interface KubeconfigCluster {
  server?: string;
  /** Absolute path of certificate-authority. */
  caFile?: string;
  /** Decoded certificate-authority-data (PEM). */
  caData?: string;
  insecure: boolean;
  serverName?: string;
  /** The file that defined this entry. */
  file: string;
}

export interface KubeconfigUser {
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  token?: string;
  tokenFile?: string;
  exec?: ExecConfig;
  /** Set when the entry uses a method this client cannot perform (auth-provider, basic auth). */
  unsupported?: string;
  file: string;
}

export interface KubeconfigContext {
  cluster: string;
  user: string;
  namespace?: string;
  file: string;
}

export interface Kubeconfig {
  clusters: Map<string, KubeconfigCluster>;
  users: Map<string, KubeconfigUser>;
  contexts: Map<string, KubeconfigContext>;
  currentContext?: string;
  /** Files read, in precedence order. */
  files: string[];
}

export interface SelectedContext {
  name: string;
  clusterName: string;
  cluster: KubeconfigCluster;
  userName: string;
  user: KubeconfigUser;
  namespace?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (o: Obj, k: string): string | undefined => {
  const v = o[k];
  if (v === undefined || v === null || v === "") return undefined;
  return typeof v === "string" ? v : String(v);
};
const bool = (o: Obj, k: string): boolean => o[k] === true || o[k] === "true";

function decodeData(value: string, what: string, file: string): string {
  const clean = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw invalid(`${file}: ${what} is not valid base64`);
  return Buffer.from(clean, "base64").toString("utf8");
}

function named(list: unknown, section: string, file: string): [string, Obj][] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalid(`${file}: ${section} must be a list`);
  const out: [string, Obj][] = [];
  for (const item of list) {
    if (!isObj(item) || typeof item["name"] !== "string" || item["name"] === "") continue;
    const body = item[section.replace(/s$/, "")];
    out.push([item["name"], isObj(body) ? body : {}]);
  }
  return out;
}

function parseExec(e: Obj, file: string, userName: string): ExecConfig {
  const command = str(e, "command");
  if (!command) throw invalid(`${file}: exec plugin of user "${userName}" has no command`);
  const dir = dirname(file);
  // Like kubectl: a relative command that contains a path separator is relative to the kubeconfig file.
  const cmd = command.includes("/") && !isAbsolute(command) ? resolve(dir, command) : command;
  const args = Array.isArray(e["args"]) ? e["args"].map(String) : [];
  const env = Array.isArray(e["env"])
    ? e["env"].filter(isObj).map((x) => ({ name: String(x["name"] ?? ""), value: String(x["value"] ?? "") })).filter((x) => x.name !== "")
    : [];
  const exec: ExecConfig = {
    apiVersion: str(e, "apiVersion") ?? "",
    command: cmd,
    args,
    env,
    provideClusterInfo: bool(e, "provideClusterInfo"),
  };
  const hint = str(e, "installHint");
  if (hint) exec.installHint = hint;
  const mode = str(e, "interactiveMode");
  if (mode) exec.interactiveMode = mode;
  return exec;
}

/** Read one kubeconfig document. `file` names it in errors and anchors relative paths. */
export function parseKubeconfig(text: string, file: string): Kubeconfig {
  const abs = resolve(file);
  const dir = dirname(abs);
  const path = (p: string | undefined) => (p === undefined ? undefined : isAbsolute(p) ? p : resolve(dir, p));
  const doc = parseYaml(text, file).value;
  const root: Obj = isObj(doc) ? doc : {};
  const cfg: Kubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map(), files: [abs] };
  for (const [name, c] of named(root["clusters"], "clusters", file)) {
    if (cfg.clusters.has(name)) continue;
    const entry: KubeconfigCluster = { insecure: bool(c, "insecure-skip-tls-verify"), file: abs };
    const server = str(c, "server");
    if (server) entry.server = server.replace(/\/+$/, "");
    const caFile = path(str(c, "certificate-authority"));
    if (caFile) entry.caFile = caFile;
    const caData = str(c, "certificate-authority-data");
    if (caData) entry.caData = decodeData(caData, `certificate-authority-data of cluster "${name}"`, file);
    const sn = str(c, "tls-server-name");
    if (sn) entry.serverName = sn;
    cfg.clusters.set(name, entry);
  }
  for (const [name, u] of named(root["users"], "users", file)) {
    if (cfg.users.has(name)) continue;
    const entry: KubeconfigUser = { file: abs };
    const set = <K extends keyof KubeconfigUser>(k: K, v: KubeconfigUser[K] | undefined) => {
      if (v !== undefined) entry[k] = v;
    };
    set("certFile", path(str(u, "client-certificate")));
    const cd = str(u, "client-certificate-data");
    set("certData", cd === undefined ? undefined : decodeData(cd, `client-certificate-data of user "${name}"`, file));
    set("keyFile", path(str(u, "client-key")));
    const kd = str(u, "client-key-data");
    set("keyData", kd === undefined ? undefined : decodeData(kd, `client-key-data of user "${name}"`, file));
    set("token", str(u, "token"));
    set("tokenFile", path(str(u, "tokenFile")));
    if (isObj(u["exec"])) entry.exec = parseExec(u["exec"], abs, name);
    if (isObj(u["auth-provider"])) entry.unsupported = `auth-provider "${str(u["auth-provider"], "name") ?? "?"}"`;
    else if (str(u, "username") !== undefined || str(u, "password") !== undefined) entry.unsupported = "basic authentication (username/password)";
    cfg.users.set(name, entry);
  }
  for (const [name, c] of named(root["contexts"], "contexts", file)) {
    if (cfg.contexts.has(name)) continue;
    const entry: KubeconfigContext = { cluster: str(c, "cluster") ?? "", user: str(c, "user") ?? "", file: abs };
    const ns = str(c, "namespace");
    if (ns) entry.namespace = ns;
    cfg.contexts.set(name, entry);
  }
  const cur = str(root, "current-context");
  if (cur) cfg.currentContext = cur;
  return cfg;
}

/** Merge in precedence order: the first definition of each named entry wins, as does the first current-context. */
export function mergeKubeconfigs(configs: readonly Kubeconfig[]): Kubeconfig {
  const out: Kubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map(), files: [] };
  for (const c of configs) {
    out.files.push(...c.files);
    for (const [k, v] of c.clusters) if (!out.clusters.has(k)) out.clusters.set(k, v);
    for (const [k, v] of c.users) if (!out.users.has(k)) out.users.set(k, v);
    for (const [k, v] of c.contexts) if (!out.contexts.has(k)) out.contexts.set(k, v);
    if (out.currentContext === undefined && c.currentContext !== undefined) out.currentContext = c.currentContext;
  }
  return out;
}

/** Read and merge kubeconfig files. Missing files are skipped when `ignoreMissing` (a KUBECONFIG list), an error otherwise. */
export function loadKubeconfigFiles(paths: readonly string[], opts: { ignoreMissing: boolean }): Kubeconfig {
  const configs: Kubeconfig[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = resolve(p);
    if (seen.has(abs)) continue;
    seen.add(abs);
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && opts.ignoreMissing) continue;
      if (code === "ENOENT") throw new AicrError(ErrorCode.NotFound, `kubeconfig not found: ${p}`);
      throw invalid(`cannot read kubeconfig ${p}: ${code ?? (err as Error).message}`);
    }
    configs.push(parseKubeconfig(text, abs));
  }
  return mergeKubeconfigs(configs);
}

/** The context to use: `override` when given, else current-context. */
export function selectContext(cfg: Kubeconfig, override?: string): SelectedContext {
  const where = cfg.files.join(":") || "kubeconfig";
  const name = override?.trim() || cfg.currentContext;
  const available = [...cfg.contexts.keys()].sort();
  const list = available.length > 0 ? ` (available: ${available.join(", ")})` : "";
  if (!name) throw invalid(`${where} sets no current-context; pass --context${list}`);
  const ctx = cfg.contexts.get(name);
  if (!ctx) throw invalid(`context "${name}" not found in ${where}${list}`);
  const cluster = cfg.clusters.get(ctx.cluster);
  if (!cluster) throw invalid(`context "${name}" refers to cluster "${ctx.cluster}", which ${where} does not define`);
  if (!cluster.server) throw invalid(`cluster "${ctx.cluster}" in ${cluster.file} has no server`);
  // A context without a user (or naming an unknown one) talks to the server anonymously, as kubectl does.
  const user = (ctx.user && cfg.users.get(ctx.user)) || { file: ctx.file };
  const sel: SelectedContext = { name, clusterName: ctx.cluster, cluster, userName: ctx.user, user };
  if (ctx.namespace) sel.namespace = ctx.namespace;
  return sel;
}
