/**
 * Build-time only: imported with `{ type: "macro" }`, so Bun runs it while bundling and the program
 * holds the scripts' text as constants. (A `with { type: "text" }` import of the same files cost the
 * compiled CLI about 0.3 ms per file each time it loaded them.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The text of one of the helm deployer's shell script templates. */
export function helmScript(name: "deploy.sh" | "undeploy.sh"): string {
  return readFileSync(join(import.meta.dir, name), "utf8");
}
