/**
 * Capturing a snapshot for another command (`validate` without `--snapshot`): the agent Job on a GPU
 * node, through the same Kubernetes client and manifests as `aicr snapshot`, read back in memory.
 */
import { internal } from "../../core/errors.ts";
import type { SnapshotInput } from "../../core/fleet/document.ts";
import { log } from "../logger.ts";

/** How long `validate` waits for the snapshot agent Job. */
export const CAPTURE_TIMEOUT_MS = 5 * 60_000;

export async function captureSnapshot(opts: { kubeconfig?: string }): Promise<SnapshotInput> {
  try {
    const [{ createKubeClient }, { snapshotWithJob }, cluster, { agentCollectorTimeoutMs }, { decodeSnapshotOrFleet }] = await Promise.all([
      import("../../agent/kube/client.ts"),
      import("./job.ts"),
      import("./cluster.ts"),
      import("./ssh.ts"),
      import("../../core/fleet/document.ts"),
    ]);
    const client = createKubeClient(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {});
    let captured: { text: string; source: string } | undefined;
    await snapshotWithJob({
      client,
      namespace: Bun.env["AICR_NAMESPACE"] ?? cluster.DEFAULT_AGENT_NAMESPACE,
      image: Bun.env["AICR_IMAGE"] ?? cluster.DEFAULT_AGENT_IMAGE,
      imagePullSecrets: [],
      nodeSelector: {},
      tolerations: [],
      timeoutMs: CAPTURE_TIMEOUT_MS,
      agentTimeoutMs: agentCollectorTimeoutMs(CAPTURE_TIMEOUT_MS),
      cleanup: true,
      info: (l) => log.info(l),
      warn: (l) => log.warn(l),
      agentLog: (l) => log.debug(`agent: ${l}`),
      deliver: async (r) => {
        captured = { text: r.document.text, source: r.document.source };
      },
    });
    if (!captured) throw internal("the snapshot agent Job finished without a snapshot");
    return decodeSnapshotOrFleet(captured.text, captured.source);
  } catch (err) {
    throw internal(`failed to capture a snapshot with the agent Job (or pass --snapshot FILE)`, err);
  }
}
