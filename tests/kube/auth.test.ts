/**
 * Every way of proving who we are, against the loopback API server over real TLS: client
 * certificates (files and data), tokens, token files, exec credential plugins (v1 and v1beta1),
 * CA file vs data, insecure-skip-tls-verify, and what happens when trust or credentials are wrong.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AicrError, exitCodeFor } from "../../core/errors.ts";
import { createKubeClient } from "../../agent/kube/client.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { pluginCalls, writeFakePlugin } from "../support/exec-plugin-fake.ts";

let api: KubeStandin;
let dir: string;
let plugin: string;
const b64 = (s: string) => Buffer.from(s).toString("base64");

beforeAll(() => {
  api = KubeStandin.start();
  api.acceptToken("alice-token", "alice");
  dir = mkdtempSync(join(tmpdir(), "aicr-auth-"));
  plugin = writeFakePlugin(dir);
});
afterAll(() => api.stop());

let n = 0;
function kubeconfig(text: string): string {
  const p = join(dir, `kubeconfig-${++n}`);
  writeFileSync(p, text);
  return p;
}

/** A client for a kubeconfig text, isolated from the machine's own configuration. */
const clientFor = (text: string) => createKubeClient({ kubeconfig: kubeconfig(text), env: {}, home: dir, retry: { attempts: 1 } });

async function failure(p: Promise<unknown>): Promise<AicrError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AicrError);
    return err as AicrError;
  }
  throw new Error("expected a failure");
}

const lastUser = () => api.requests.at(-1)?.user;

describe("client certificates", () => {
  test("certificate and key files", async () => {
    const c = clientFor(api.kubeconfig({ mtls: true, user: { "client-certificate": api.certs.clientCertFile, "client-key": api.certs.clientKeyFile } }));
    expect((await c.version()).gitVersion).toBe("v1.31.4");
    expect(lastUser()).toBe(api.certs.clientUser);
  });

  test("certificate and key data", async () => {
    const c = clientFor(api.kubeconfig({ mtls: true, user: { "client-certificate-data": b64(api.certs.clientCertPem), "client-key-data": b64(api.certs.clientKeyPem) } }));
    expect((await c.version()).platform).toBe("linux/amd64");
    expect(lastUser()).toBe(api.certs.clientUser);
  });

  test("a certificate from an unrelated CA is refused during the TLS handshake", async () => {
    const c = clientFor(
      api.kubeconfig({ mtls: true, user: { "client-certificate-data": b64(api.certs.otherClientCertPem), "client-key-data": b64(api.certs.otherClientKeyPem) } }),
    );
    const err = await failure(c.version());
    expect(err.code).toBe("SERVICE_UNAVAILABLE");
    expect(err.message).toContain(api.mtlsUrl);
  });

  test("a certificate without its key is a configuration error", async () => {
    const err = await failure(Promise.resolve().then(() => clientFor(api.kubeconfig({ user: { "client-certificate": api.certs.clientCertFile } }))));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe('user "tester" (context "standin") has a client certificate but no client key');
  });
});

describe("trusting the server", () => {
  test("certificate-authority as a file", async () => {
    const c = clientFor(api.kubeconfig({ cluster: { "certificate-authority": api.certs.caFile }, user: { token: "alice-token" } }));
    await c.version();
    expect(lastUser()).toBe("alice");
  });

  test("certificate-authority-data", async () => {
    const c = clientFor(api.kubeconfig({ user: { token: "alice-token" } }));
    await c.version();
    expect(lastUser()).toBe("alice");
  });

  test("insecure-skip-tls-verify talks to the server without any CA", async () => {
    const c = clientFor(api.kubeconfig({ cluster: { "insecure-skip-tls-verify": true }, user: { token: "alice-token" } }));
    await c.version();
    expect(lastUser()).toBe("alice");
  });

  test("the wrong CA fails with the server named and the CA to check", async () => {
    const c = clientFor(api.kubeconfig({ cluster: { "certificate-authority": api.certs.otherCaFile }, user: { token: "alice-token" } }));
    const err = await failure(c.version());
    expect(err.code).toBe("SERVICE_UNAVAILABLE");
    expect(exitCodeFor(err)).toBe(6);
    expect(err.message).toContain(`cannot reach the Kubernetes API server at ${api.url}: TLS failure`);
    expect(err.message).toContain("certificate-authority");
  });

  test("no CA at all does not trust a private server", async () => {
    const c = clientFor(api.kubeconfig({ cluster: {}, user: { token: "alice-token" } }));
    expect((await failure(c.version())).code).toBe("SERVICE_UNAVAILABLE");
  });
});

describe("bearer tokens", () => {
  test("a token in the kubeconfig", async () => {
    const c = clientFor(api.kubeconfig({ user: { token: "alice-token" } }));
    await c.version();
    expect(api.requests.at(-1)).toMatchObject({ user: "alice", path: "/version" });
    expect(api.requests.at(-1)?.userAgent).toStartWith("aicr/");
  });

  test("an unknown token is UNAUTHORIZED naming the kubeconfig user", async () => {
    const c = clientFor(api.kubeconfig({ user: { token: "stolen" } }));
    const err = await failure(c.version());
    expect(err.code).toBe("UNAUTHORIZED");
    expect(exitCodeFor(err)).toBe(4);
    expect(err.message).toBe(`the API server ${api.url} rejected the credentials of user "tester" (context "standin"): Unauthorized`);
  });

  test("a tokenFile is re-read when it is rotated", async () => {
    const tokenPath = join(dir, "rotating-token");
    writeFileSync(tokenPath, "file-token-1\n");
    api.acceptToken("file-token-1", "rotating-user-1");
    const c = clientFor(api.kubeconfig({ user: { tokenFile: tokenPath } }));
    await c.version();
    expect(lastUser()).toBe("rotating-user-1");
    // Rotate the way the kubelet does (a new file swapped in) and retire the old token.
    writeFileSync(`${tokenPath}.new`, "file-token-2-longer\n");
    renameSync(`${tokenPath}.new`, tokenPath);
    api.revokeToken("file-token-1");
    api.acceptToken("file-token-2-longer", "rotating-user-2");
    await c.version();
    expect(lastUser()).toBe("rotating-user-2");
  });
});

describe("exec credential plugins", () => {
  const execUser = (apiVersion: string, env: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    exec: {
      apiVersion,
      command: plugin,
      args: ["from-arg"],
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
      interactiveMode: "Never",
      ...extra,
    },
  });

  for (const apiVersion of ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]) {
    test(`${apiVersion}: the plugin's token is used, with its arguments and environment`, async () => {
      const log = join(dir, `plugin-${apiVersion.split("/")[1]}.log`);
      api.acceptToken("from-arg-from-env", "exec-user");
      const c = clientFor(api.kubeconfig({ user: execUser(apiVersion, { PLUGIN_LOG: log, PLUGIN_SUFFIX: "from-env" }) }));
      await c.version();
      expect(lastUser()).toBe("exec-user");
      const calls = pluginCalls(log);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args).toEqual(["from-arg"]);
      expect(calls[0]!.info).toEqual({ apiVersion, kind: "ExecCredential", spec: { interactive: false } });
    });
  }

  test("provideClusterInfo hands the plugin the server and its CA", async () => {
    const log = join(dir, "plugin-cluster-info.log");
    api.acceptToken("from-arg-ci", "exec-user");
    const c = clientFor(api.kubeconfig({ user: execUser("client.authentication.k8s.io/v1", { PLUGIN_LOG: log, PLUGIN_SUFFIX: "ci" }, { provideClusterInfo: true }) }));
    await c.version();
    expect(pluginCalls(log)[0]!.info.spec?.cluster).toEqual({ server: api.url, "certificate-authority-data": b64(api.certs.caPem) });
  });

  test("a credential is reused until it expires", async () => {
    const log = join(dir, "plugin-cache.log");
    api.acceptToken("from-arg-cache", "exec-user");
    const future = new Date(Date.now() + 3600_000).toISOString();
    const c = clientFor(api.kubeconfig({ user: execUser("client.authentication.k8s.io/v1", { PLUGIN_LOG: log, PLUGIN_SUFFIX: "cache", PLUGIN_EXPIRES: future }) }));
    await c.version();
    await c.version();
    await c.version();
    expect(pluginCalls(log)).toHaveLength(1);
  });

  test("an expired credential makes the plugin run again", async () => {
    const log = join(dir, "plugin-expired.log");
    api.acceptToken("from-arg-expired", "exec-user");
    const c = clientFor(
      api.kubeconfig({ user: execUser("client.authentication.k8s.io/v1beta1", { PLUGIN_LOG: log, PLUGIN_SUFFIX: "expired", PLUGIN_EXPIRES: "2020-01-01T00:00:00Z" }) }),
    );
    await c.version();
    await c.version();
    expect(pluginCalls(log)).toHaveLength(2);
  });

  test("a rejected credential makes the plugin run again once, and the fresh token is used", async () => {
    const log = join(dir, "plugin-refresh.log");
    const tokenFile = join(dir, "plugin-refresh-token");
    writeFileSync(tokenFile, "exec-old");
    api.acceptToken("exec-old", "exec-refresh-user");
    const c = clientFor(api.kubeconfig({ user: execUser("client.authentication.k8s.io/v1", { PLUGIN_LOG: log, PLUGIN_TOKEN_FILE: tokenFile }) }));
    await c.version();
    api.revokeToken("exec-old");
    api.acceptToken("exec-new", "exec-refresh-user-2");
    writeFileSync(tokenFile, "exec-new");
    await c.version();
    expect(lastUser()).toBe("exec-refresh-user-2");
    expect(pluginCalls(log)).toHaveLength(2);
  });

  test("a plugin can return a client certificate", async () => {
    const log = join(dir, "plugin-cert.log");
    const c = clientFor(
      api.kubeconfig({
        mtls: true,
        user: execUser("client.authentication.k8s.io/v1", { PLUGIN_LOG: log, PLUGIN_MODE: "cert", PLUGIN_CERT: api.certs.clientCertFile, PLUGIN_KEY: api.certs.clientKeyFile }),
      }),
    );
    await c.version();
    expect(lastUser()).toBe(api.certs.clientUser);
  });

  test("a failing plugin is UNAUTHORIZED with its error text and install hint", async () => {
    const log = join(dir, "plugin-fail.log");
    const c = clientFor(
      api.kubeconfig({ user: execUser("client.authentication.k8s.io/v1", { PLUGIN_LOG: log, PLUGIN_MODE: "fail" }, { installHint: "install fake-plugin from the IT portal" }) }),
    );
    const err = await failure(c.version());
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.message).toBe(`cannot get credentials for user "tester" (context "standin"): exec plugin "${plugin}" exited with status 3: fake-plugin: you must log in first`);
    expect(err.details).toEqual(["install fake-plugin from the IT portal"]);
  });

  test("a plugin that does not exist says it could not be started", async () => {
    const c = clientFor(api.kubeconfig({ user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: join(dir, "no-such-plugin") } } }));
    const err = await failure(c.version());
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.message).toContain("could not be started");
  });

  test("a plugin answering with another apiVersion is refused", async () => {
    const log = join(dir, "plugin-api.log");
    const c = clientFor(api.kubeconfig({ user: execUser("client.authentication.k8s.io/v1", { PLUGIN_LOG: log, PLUGIN_SUFFIX: "x", PLUGIN_API: "client.authentication.k8s.io/v1beta1" }) }));
    const err = await failure(c.version());
    expect(err.message).toContain('answered with apiVersion "client.authentication.k8s.io/v1beta1", expected "client.authentication.k8s.io/v1"');
  });

  test("an unsupported plugin apiVersion is a configuration error", async () => {
    const err = await failure(Promise.resolve().then(() => clientFor(api.kubeconfig({ user: { exec: { apiVersion: "client.authentication.k8s.io/v1alpha1", command: plugin } } }))));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toContain('unsupported apiVersion "client.authentication.k8s.io/v1alpha1"');
  });
});
