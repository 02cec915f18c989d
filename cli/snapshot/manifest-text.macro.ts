/**
 * Build-time only: imported with `{ type: "macro" }`, so Bun runs it while bundling and the program
 * holds the agent's manifests (manifests/*.yaml) as constants. (A `with { type: "text" }` import cost the
 * compiled CLI about 0.3 ms per file each time it loaded them.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The text of one of the agent's Kubernetes manifests. */
export function agentManifest(name: "rbac.yaml" | "job.yaml" | "daemonset.yaml"): string {
  return readFileSync(join(import.meta.dir, "..", "..", "manifests", name), "utf8");
}
