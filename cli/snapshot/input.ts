/**
 * Reading a `--snapshot` that may hold one node (Snapshot) or many (FleetSnapshot, as `aicr snapshot
 * --ssh` writes): file, URL or ConfigMap. Failures are INTERNAL "failed to load snapshot", as for a
 * plain snapshot.
 */
import { internal } from "../../core/errors.ts";
import type { SnapshotInput } from "../../core/fleet/document.ts";
import { log } from "../logger.ts";

export async function loadSnapshotInput(source: string, opts: { kubeconfig?: string } = {}): Promise<SnapshotInput> {
  try {
    const [{ documentFormat }, { decodeSnapshotOrFleet }, { readSource }] = await Promise.all([
      import("../../core/validate/documents.ts"),
      import("../../core/fleet/document.ts"),
      import("../sources.ts"),
    ]);
    const input = await readSource(source, "snapshot", opts);
    if (documentFormat(input.name).guessed) log.warn(`snapshot ${source} has no .yaml/.yml/.json suffix; reading it as JSON`);
    return decodeSnapshotOrFleet(input.text, input.name);
  } catch (err) {
    throw internal(`failed to load snapshot from ${source}`, err);
  }
}
