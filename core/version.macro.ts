/**
 * Build-time only: imported with `{ type: "macro" }`, so the version is a constant of the program
 * rather than a JSON module loaded at every start.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** `version` of package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(import.meta.dir, "..", "package.json"), "utf8")) as { version: string }).version;
}
