/**
 * A KubeClient for a stand-in, built through a real kubeconfig file (token auth), with the waits
 * between retries recorded instead of slept.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeClient, type KubeClient, type KubeClientOptions } from "../../agent/kube/client.ts";
import type { KubeStandin } from "./kube-standin.ts";

export interface RecordingClient {
  client: KubeClient;
  /** Every wait the client asked for between attempts, in ms. */
  waits: number[];
  kubeconfigPath: string;
}

let n = 0;

export function standinClient(api: KubeStandin, opts: KubeClientOptions & { token?: string; user?: string; namespace?: string } = {}): RecordingClient {
  const token = opts.token ?? `token-${++n}`;
  api.acceptToken(token, opts.user ?? "tester");
  const dir = mkdtempSync(join(tmpdir(), "aicr-kc-"));
  const kubeconfigPath = join(dir, "config");
  writeFileSync(kubeconfigPath, api.kubeconfig({ user: { token }, ...(opts.namespace ? { namespace: opts.namespace } : {}) }));
  const waits: number[] = [];
  const client = createKubeClient({
    kubeconfig: kubeconfigPath,
    env: {},
    home: dir,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...opts,
  });
  return { client, waits, kubeconfigPath };
}
