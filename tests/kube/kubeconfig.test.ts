/**
 * Finding the cluster: --kubeconfig, a KUBECONFIG list merged like kubectl merges it, ~/.kube/config,
 * --context, relative paths, and the errors a user sees when the configuration is wrong or missing.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AicrError, exitCodeFor } from "../../core/errors.ts";
import { discoverConnection } from "../../agent/kube/discover.ts";

const dir = mkdtempSync(join(tmpdir(), "aicr-kubeconfig-"));
const emptyHome = mkdtempSync(join(tmpdir(), "aicr-home-"));
const noCluster = { home: emptyHome, serviceAccountDir: join(emptyHome, "no-sa") };

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const a = file(
  "a.yaml",
  `apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
  - name: shared
    cluster: {server: "https://a.example:6443/"}
users:
  - name: shared-user
    user: {token: token-from-a}
contexts:
  - name: ctx-a
    context: {cluster: shared, user: shared-user, namespace: team-a}
`,
);
const b = file(
  "b.yaml",
  `apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
  - name: shared
    cluster: {server: "https://b.example:6443"}
  - name: only-b
    cluster: {server: "https://only-b.example", insecure-skip-tls-verify: true}
users:
  - name: shared-user
    user: {token: token-from-b}
  - name: b-user
    user: {token: b-token}
contexts:
  - name: ctx-a
    context: {cluster: only-b, user: b-user}
  - name: ctx-b
    context: {cluster: only-b, user: b-user}
`,
);
const noCurrent = file(
  "no-current.yaml",
  `clusters:
  - name: c
    cluster: {server: "https://c.example"}
contexts:
  - name: ctx-c
    context: {cluster: c, user: nobody}
`,
);

async function tokenOf(conn: ReturnType<typeof discoverConnection>) {
  return (await conn.credentials.get()).token;
}

function failure(fn: () => unknown): AicrError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AicrError);
    return err as AicrError;
  }
  throw new Error("expected a failure");
}

describe("KUBECONFIG with several files", () => {
  test("the first file wins for each named entry and for current-context", async () => {
    const conn = discoverConnection({ env: { KUBECONFIG: `${a}:${b}` }, ...noCluster });
    expect(conn.server).toBe("https://a.example:6443");
    expect(conn.namespace).toBe("team-a");
    expect(await tokenOf(conn)).toBe("token-from-a");
    expect(conn.identity).toBe('user "shared-user" (context "ctx-a")');
    expect(conn.source).toBe(`${a}:${b}`);
  });

  test("reversing the list reverses the precedence", async () => {
    const conn = discoverConnection({ env: { KUBECONFIG: `${b}:${a}` }, ...noCluster });
    expect(conn.server).toBe("https://only-b.example");
    expect(conn.trust.insecure).toBe(true);
    expect(conn.namespace).toBe("default");
    expect(await tokenOf(conn)).toBe("b-token");
  });

  test("entries only the later file defines are still usable through --context", async () => {
    const conn = discoverConnection({ env: { KUBECONFIG: `${a}:${b}` }, context: "ctx-b", ...noCluster });
    expect(conn.server).toBe("https://only-b.example");
    expect(await tokenOf(conn)).toBe("b-token");
  });

  test("current-context comes from the first file that sets it", () => {
    const conn = discoverConnection({ env: { KUBECONFIG: `${noCurrent}:${b}:${a}` }, ...noCluster });
    expect(conn.identity).toContain('context "ctx-b"');
  });

  test("missing files and empty entries in the list are skipped", async () => {
    const conn = discoverConnection({ env: { KUBECONFIG: `${join(dir, "absent.yaml")}::${a}` }, ...noCluster });
    expect(await tokenOf(conn)).toBe("token-from-a");
  });

  test("a list of files none of which exists says so", () => {
    const err = failure(() => discoverConnection({ env: { KUBECONFIG: join(dir, "x.yaml") }, ...noCluster }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain("x.yaml");
  });
});

describe("choosing the source and the context", () => {
  test("--kubeconfig wins over KUBECONFIG", async () => {
    const conn = discoverConnection({ kubeconfig: b, env: { KUBECONFIG: a }, ...noCluster });
    expect(await tokenOf(conn)).toBe("b-token");
  });

  test("~/.kube/config is used when nothing else is given", async () => {
    const home = mkdtempSync(join(tmpdir(), "aicr-home-"));
    mkdirSync(join(home, ".kube"));
    writeFileSync(join(home, ".kube", "config"), await Bun.file(a).text());
    const conn = discoverConnection({ env: {}, home });
    expect(conn.server).toBe("https://a.example:6443");
  });

  test("an unknown --context lists the contexts there are", () => {
    const err = failure(() => discoverConnection({ kubeconfig: b, context: "prod", ...noCluster }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(exitCodeFor(err)).toBe(2);
    expect(err.message).toBe(`context "prod" not found in ${b} (available: ctx-a, ctx-b)`);
  });

  test("a kubeconfig without current-context asks for --context", () => {
    const err = failure(() => discoverConnection({ kubeconfig: noCurrent, ...noCluster }));
    expect(err.message).toContain("sets no current-context; pass --context (available: ctx-c)");
  });

  test("a context naming an undefined cluster is reported", () => {
    const p = file("dangling.yaml", "current-context: x\ncontexts:\n  - name: x\n    context: {cluster: ghost, user: u}\n");
    const err = failure(() => discoverConnection({ kubeconfig: p, ...noCluster }));
    expect(err.message).toContain('refers to cluster "ghost"');
  });

  test("an explicit --kubeconfig that does not exist is NOT_FOUND", () => {
    const err = failure(() => discoverConnection({ kubeconfig: join(dir, "nope.yaml"), ...noCluster }));
    expect(err.code).toBe("NOT_FOUND");
    expect(exitCodeFor(err)).toBe(3);
    expect(err.message).toBe(`kubeconfig not found: ${join(dir, "nope.yaml")}`);
  });

  test("no configuration at all, outside a cluster, is NOT_FOUND with the places looked at", () => {
    const err = failure(() => discoverConnection({ env: {}, ...noCluster }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain("no Kubernetes cluster configured");
    expect(err.message).toContain("not running inside a cluster");
  });

  test("malformed YAML names the file and line", () => {
    const p = file("broken.yaml", "clusters:\n  - name: x\n   cluster: {\n");
    const err = failure(() => discoverConnection({ kubeconfig: p, ...noCluster }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toContain("broken.yaml:");
  });

  test("auth-provider users are refused with a pointer to what works", () => {
    const p = file(
      "authprovider.yaml",
      "current-context: x\nclusters: [{name: c, cluster: {server: 'https://x'}}]\nusers: [{name: u, user: {auth-provider: {name: gcp}}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n",
    );
    const err = failure(() => discoverConnection({ kubeconfig: p, ...noCluster }));
    expect(err.message).toContain('uses auth-provider "gcp"');
  });
});

describe("paths inside a kubeconfig", () => {
  test("relative certificate paths are relative to the kubeconfig's own directory", async () => {
    const sub = join(dir, "nested");
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, "ca.pem"), "CA-PEM");
    writeFileSync(join(sub, "tok"), "file-token\n");
    const p = join(sub, "config");
    writeFileSync(
      p,
      "current-context: x\nclusters: [{name: c, cluster: {server: 'https://x', certificate-authority: ca.pem}}]\nusers: [{name: u, user: {tokenFile: tok}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n",
    );
    const conn = discoverConnection({ kubeconfig: p, ...noCluster });
    expect(conn.trust.ca).toBe("CA-PEM");
    expect(await tokenOf(conn)).toBe("file-token");
  });

  test("a missing certificate-authority file is reported by path", () => {
    const p = file(
      "missing-ca.yaml",
      "current-context: x\nclusters: [{name: c, cluster: {server: 'https://x', certificate-authority: /nonexistent/ca.crt}}]\ncontexts: [{name: x, context: {cluster: c}}]\n",
    );
    const err = failure(() => discoverConnection({ kubeconfig: p, ...noCluster }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe('certificate-authority of cluster "c" file not found: /nonexistent/ca.crt');
  });

  test("certificate-authority-data must be base64", () => {
    const p = file(
      "bad-b64.yaml",
      "current-context: x\nclusters: [{name: c, cluster: {server: 'https://x', certificate-authority-data: 'not base64!'}}]\ncontexts: [{name: x, context: {cluster: c}}]\n",
    );
    const err = failure(() => discoverConnection({ kubeconfig: p, ...noCluster }));
    expect(err.message).toContain("certificate-authority-data of cluster \"c\" is not valid base64");
  });
});
