/**
 * Running inside a pod: the API server from KUBERNETES_SERVICE_HOST/PORT, the service account's
 * token, CA and namespace from its directory, and token rotation picked up without a restart.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AicrError } from "../../core/errors.ts";
import { createKubeClient } from "../../agent/kube/client.ts";
import { ConfigMaps } from "../../agent/kube/paths.ts";
import { KubeStandin } from "../support/kube-standin.ts";

let api: KubeStandin;
let home: string;

/** A service-account JWT-shaped token (unsigned: only its claims matter to the client). */
const jwt = (sub: string, n: number) =>
  [
    Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url"),
    Buffer.from(JSON.stringify({ sub, n })).toString("base64url"),
    "sig",
  ].join(".");

function serviceAccountDir(token: string, namespace?: string): string {
  const d = mkdtempSync(join(tmpdir(), "aicr-sa-"));
  writeFileSync(join(d, "token"), token);
  writeFileSync(join(d, "ca.crt"), api.certs.caPem);
  if (namespace !== undefined) writeFileSync(join(d, "namespace"), namespace);
  return d;
}

const podEnv = () => ({ KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: new URL(api.url).port });

beforeAll(() => {
  api = KubeStandin.start();
  home = mkdtempSync(join(tmpdir(), "aicr-home-"));
});
afterAll(() => api.stop());

describe("in-cluster configuration", () => {
  test("server, CA, namespace and identity come from the pod's environment and service account", async () => {
    const token = jwt("system:serviceaccount:gpu-operator:aicr", 1);
    api.acceptToken(token, "system:serviceaccount:gpu-operator:aicr");
    const sa = serviceAccountDir(token, "gpu-operator\n");
    const c = createKubeClient({ env: podEnv(), home, serviceAccountDir: sa });
    expect(c.connection.source).toBe("in-cluster");
    expect(c.server).toBe(api.url);
    expect(c.namespace).toBe("gpu-operator");
    expect(c.identity).toBe('service account "system:serviceaccount:gpu-operator:aicr"');
    api.put(ConfigMaps, { metadata: { name: "probe", namespace: "gpu-operator" }, data: { k: "v" } });
    const cm = await c.get(ConfigMaps, "probe");
    expect(cm["data"]).toEqual({ k: "v" });
    expect(api.requests.at(-1)?.user).toBe("system:serviceaccount:gpu-operator:aicr");
  });

  test("the service-account directory can be moved with AICR_SERVICEACCOUNT_DIR", async () => {
    const token = jwt("system:serviceaccount:other:agent", 1);
    api.acceptToken(token, "agent");
    const sa = serviceAccountDir(token);
    const c = createKubeClient({ env: { ...podEnv(), AICR_SERVICEACCOUNT_DIR: sa }, home });
    expect(c.namespace).toBe("default");
    await c.version();
    expect(api.requests.at(-1)?.user).toBe("agent");
  });

  test("a rotated token is picked up without a restart", async () => {
    const first = jwt("system:serviceaccount:ns:rot", 1);
    api.acceptToken(first, "rot-1");
    const sa = serviceAccountDir(first, "ns");
    const c = createKubeClient({ env: podEnv(), home, serviceAccountDir: sa });
    await c.version();
    expect(api.requests.at(-1)?.user).toBe("rot-1");

    // The kubelet writes the new token beside the old one and swaps it in atomically.
    const second = jwt("system:serviceaccount:ns:rot", 2);
    api.revokeToken(first);
    api.acceptToken(second, "rot-2");
    mkdirSync(join(sa, "..new"));
    writeFileSync(join(sa, "..new", "token"), second);
    renameSync(join(sa, "..new", "token"), join(sa, "token"));
    await c.version();
    expect(api.requests.at(-1)?.user).toBe("rot-2");
  });

  test("a token rewritten in place is re-read after the server rejects the old one", async () => {
    const first = jwt("system:serviceaccount:ns:inplace", 1);
    api.acceptToken(first, "inplace-1");
    const sa = serviceAccountDir(first, "ns");
    const c = createKubeClient({ env: podEnv(), home, serviceAccountDir: sa });
    await c.version();
    const second = jwt("system:serviceaccount:ns:inplace", 2);
    api.revokeToken(first);
    api.acceptToken(second, "inplace-2");
    writeFileSync(join(sa, "token"), second);
    await c.version();
    expect(api.requests.at(-1)?.user).toBe("inplace-2");
  });

  test("a revoked token with nothing new on disk is UNAUTHORIZED naming the service account", async () => {
    const token = jwt("system:serviceaccount:ns:gone", 1);
    const sa = serviceAccountDir(token, "ns");
    const c = createKubeClient({ env: podEnv(), home, serviceAccountDir: sa });
    let err: unknown;
    try {
      await c.version();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AicrError);
    expect((err as AicrError).code).toBe("UNAUTHORIZED");
    expect((err as AicrError).message).toContain('service account "system:serviceaccount:ns:gone"');
  });

  test("a kubeconfig, when there is one, is preferred over the service account", () => {
    const sa = serviceAccountDir(jwt("system:serviceaccount:ns:x", 1));
    const kc = join(home, "explicit-kubeconfig");
    writeFileSync(kc, api.kubeconfig({ user: { token: "t" } }));
    const c = createKubeClient({ env: { ...podEnv(), KUBECONFIG: kc }, home, serviceAccountDir: sa });
    expect(c.connection.source).toBe(kc);
  });
});
