/**
 * `snapshot --template SOURCE`: checked, read and parsed before anything is measured (so a bad
 * template costs nothing), then rendered with the finished snapshot in place of YAML/JSON.
 */
import { invalid } from "../core/errors.ts";
import { executeSnapshotTemplate, parseSnapshotTemplate } from "../core/template/snapshot-template.ts";
import { readTemplate } from "./template-source.ts";

/** The renderer of a `--template`; throws INVALID_REQUEST for a combination it cannot honour. */
export async function prepareTemplate(source: string, opts: { toConfigMap: boolean; formatGiven: boolean }): Promise<(doc: unknown) => string> {
  if (opts.toConfigMap) throw invalid("--template cannot be combined with a cm:// output (a ConfigMap holds the snapshot document itself)");
  if (opts.formatGiven) throw invalid("--template and --format cannot be combined (the template decides the output)");
  const { name, text } = await readTemplate(source);
  const template = parseSnapshotTemplate(text, name);
  return (doc) => executeSnapshotTemplate(template, doc);
}
