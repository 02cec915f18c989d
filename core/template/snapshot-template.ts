/**
 * `snapshot --template`: a Go text/template (Sprig functions included) rendered with a Snapshot
 * document as data (Go field names, see snapshot-data.ts). Parse first to report syntax errors and
 * unknown functions before any work is done; every error is INVALID_REQUEST shaped
 * `template: NAME:LINE:COL: …`. The output is exactly what the template writes (no newline added).
 */
import { parseTemplate, type ExecuteOptions, type Template } from "./index.ts";
import { snapshotTemplateData } from "./snapshot-data.ts";

/** Parse a snapshot template; `name` is what errors call it (the file name or URL). */
export function parseSnapshotTemplate(templateText: string, name: string): Template {
  return parseTemplate(templateText, name, { base: "sprig" });
}

/** Execute a parsed snapshot template with a Snapshot document (parsed YAML/JSON or built in memory). */
export function executeSnapshotTemplate(template: Template, snapshotDoc: unknown, opts: ExecuteOptions = {}): string {
  return template.execute(snapshotTemplateData(snapshotDoc), opts);
}

/** Parse and render in one step. */
export function renderSnapshotTemplate(templateText: string, snapshotDoc: unknown, name: string, opts: ExecuteOptions = {}): string {
  return executeSnapshotTemplate(parseSnapshotTemplate(templateText, name), snapshotDoc, opts);
}
