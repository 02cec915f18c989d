/**
 * `aicr diff`: drift between documents, recognised by kind.
 *
 *   aicr diff A B                      (or --baseline/-b A --target B, as upstream spells it)
 *     Snapshot vs Snapshot      every reading added, removed or modified (`Type.subtype.key`), grouped
 *                               by area: driver, kernel, sysctl, modules, units, images, ...
 *     RecipeResult vs RecipeResult
 *                               components swapped, versions changed, hydrated values changed (values
 *                               hydrated from the embedded catalogue, or --data), constraints, criteria
 *   aicr diff FLEET                    one FleetSnapshot: for every reading, the distribution of values
 *                                      across nodes and the outlier nodes
 *
 * Output: YAML by default (upstream's default, for scripts), `-t json`, or `-t table` for people; a
 * one-line summary always goes to stderr. `-o` takes a file (written atomically), `-` for stdout, or
 * `cm://namespace/name` (YAML/JSON only). `--fail-on-drift`: when anything differs, the output is
 * written first, then the command fails with CONFLICT "drift detected: ..." (exit 2).
 *
 * Exit codes: 0 (also with drift, without --fail-on-drift); 1 flag syntax; 2 bad flags or arguments,
 * documents of different kinds, a document of another kind, malformed documents, drift with
 * --fail-on-drift; 3 a file or ConfigMap not found; 5 inputs not read within the deadline; 6 a URL or
 * cluster unreachable; 8 values cannot be hydrated (a values file missing from the catalogue).
 */
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import { decodeDiffInput, type DiffInput } from "../../core/diff/inputs.ts";
import { analyseFleet, fleetHasDrift } from "../../core/diff/fleet.ts";
import { diffRecipes } from "../../core/diff/recipe.ts";
import { diffSnapshots } from "../../core/diff/snapshot.ts";
import { fleetTable, recipeDiffTable, snapshotDiffTable } from "../../core/diff/table.ts";
import { VERSION } from "../../core/version.ts";
import { useNormalJit } from "../jit.ts";
import { stringifyJson, stringifyYaml } from "../../core/yaml.ts";
import { dataArg } from "../args.ts";
import { log } from "../logger.ts";
import type { Command, RunContext } from "../runner.ts";
import { checkDestination, isConfigMap, readSource, writeDocument } from "../sources.ts";

/** How long reading the inputs (files, URLs, ConfigMaps) may take altogether. */
export const DIFF_TIMEOUT_MS = 5 * 60_000;

export const diffFormats = ["yaml", "json", "table"] as const;
type DiffFormat = (typeof diffFormats)[number];

function parseDiffFormat(raw: string): DiffFormat {
  const v = raw.trim().toLowerCase();
  if ((diffFormats as readonly string[]).includes(v)) return v as DiffFormat;
  throw invalid(`unknown output format: "${raw}", valid formats are: ${diffFormats.join(", ")}`);
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** The documents to read: positional arguments, or --baseline and --target (not both ways at once). */
export function diffSources(args: RunContext["args"]): string[] {
  const positional = [str(args["A"]), str(args["B"])].filter((x): x is string => x !== undefined);
  const baseline = str(args["baseline"]);
  const target = str(args["target"]);
  if ((baseline || target) && positional.length > 0) {
    throw invalid("give the documents either as arguments (aicr diff A B) or with --baseline and --target, not both");
  }
  if (baseline || target) {
    if (!baseline) throw invalid("--baseline is required");
    if (!target) throw invalid("--target is required");
    return [baseline, target];
  }
  if (positional.length === 0) {
    throw invalid("--baseline is required: give two documents to compare (aicr diff A B, or --baseline A --target B), or one FleetSnapshot");
  }
  return positional;
}

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AicrError(ErrorCode.Timeout, `${what} not read within ${ms / 1000}s`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function load(source: string, kubeconfig: string | undefined): Promise<DiffInput> {
  const input = await readSource(source, "document", { kubeconfig });
  return decodeDiffInput(input.text, input.name, source);
}

interface Rendered {
  /** Document kind, recorded as the ConfigMap label. */
  kind: string;
  doc: unknown;
  table: () => string;
  drift: boolean;
  /** One line for stderr. */
  summary: string;
  /** The --fail-on-drift error message. */
  driftMessage: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const changeLine = (s: { added: number; removed: number; modified: number; total: number }) =>
  s.total === 0 ? "no changes" : `${plural(s.total, "change")} (${s.added} added, ${s.removed} removed, ${s.modified} modified)`;

async function compare(inputs: DiffInput[], dataDir: string | undefined): Promise<Rendered> {
  const [a, b] = inputs as [DiffInput, DiffInput | undefined];
  if (b === undefined) {
    if (a.kind !== "FleetSnapshot") {
      throw invalid(`${a.source} is a ${a.kind}: give a second document to compare it with (aicr diff A B); a single document must be a FleetSnapshot`);
    }
    useNormalJit(); // every reading of every node: long enough for compiled code to pay off
    const r = analyseFleet(a.fleet, { source: a.source });
    const s = r.summary;
    return {
      kind: "FleetAnalysis",
      doc: r,
      table: () => fleetTable(r),
      drift: fleetHasDrift(r),
      summary: `fleet: ${plural(s.nodes, "node")}${s.failed > 0 ? ` (${s.failed} failed)` : ""}, ${plural(s.readings, "reading")}: ${s.withOutliers} with outliers, ${s.withoutMajority} without a majority, ${plural(s.outlierNodes, "outlier node")}`,
      driftMessage: `drift detected: ${plural(r.readings.length, "reading")} differ across nodes`,
    };
  }
  if (a.kind !== b.kind) throw invalid(`cannot compare a ${a.kind} (${a.source}) with a ${b.kind} (${b.source}): give two documents of the same kind`);
  const sources = { baseline: a.source, target: b.source };
  if (a.kind === "Snapshot" && b.kind === "Snapshot") {
    const r = diffSnapshots(a.snapshot, b.snapshot, sources);
    return {
      kind: "SnapshotDiff",
      doc: r,
      table: () => snapshotDiffTable(r),
      drift: r.changes.length > 0,
      summary: `snapshot diff: ${changeLine(r.summary)}${r.areas.length > 0 ? `; by area: ${r.areas.map((x) => `${x.area} ${x.total}`).join(", ")}` : ""}`,
      driftMessage: `drift detected: ${r.summary.total} change(s) found`,
    };
  }
  if (a.kind === "RecipeResult" && b.kind === "RecipeResult") {
    const { loadStore } = await import("../catalogue.ts");
    const r = diffRecipes(await loadStore(dataDir), a.recipe, b.recipe, sources);
    const s = r.summary;
    return {
      kind: "RecipeDiff",
      doc: r,
      table: () => recipeDiffTable(r),
      drift: r.changes.length > 0,
      summary: `recipe diff: ${changeLine(s)}; ${plural(s.componentsSwapped, "component")} swapped, ${plural(s.valuesChanged, "value")} changed, ${plural(s.versionsChanged, "version")} changed`,
      driftMessage: `drift detected: ${s.total} change(s) found`,
    };
  }
  throw invalid(`comparing two FleetSnapshots is not supported: analyse each one with "aicr diff FLEET", or compare two nodes' snapshots`);
}

const command: Command = {
  meta: { name: "diff", description: "Show drift: snapshot vs snapshot, recipe vs recipe, or the nodes of one fleet snapshot" },
  args: {
    A: { type: "positional", required: false, description: "Baseline document (Snapshot or RecipeResult), or a FleetSnapshot on its own" },
    B: { type: "positional", required: false, description: "Target document, of the same kind as the baseline" },
    baseline: { type: "string", alias: ["b"], description: "Baseline document: file, URL or cm://namespace/name", valueHint: "source" },
    target: { type: "string", description: "Target document: file, URL or cm://namespace/name", valueHint: "source" },
    "fail-on-drift": { type: "boolean", description: "Exit 2 (CONFLICT) when anything differs; the output is written first" },
    output: { type: "string", alias: ["o"], description: "Destination: file, - for stdout, or cm://namespace/name (yaml/json only)", valueHint: "path" },
    format: { type: "string", alias: ["t"], description: "Output format: yaml (default), json or table", default: "yaml", valueHint: "format" },
    kubeconfig: { type: "string", alias: ["k"], description: "Kubeconfig for cm:// sources and destinations", valueHint: "file" },
    ...dataArg,
  },
  run: (ctx) => runDiff(ctx),
};

export async function runDiff(ctx: RunContext): Promise<void> {
  const args = ctx.args;
  const sources = diffSources(args);
  const format = parseDiffFormat(String(args["format"] ?? "yaml"));
  const output = typeof args["output"] === "string" ? args["output"] : undefined;
  const kubeconfig = str(args["kubeconfig"]);
  if (format === "table" && isConfigMap(output)) throw invalid("table output cannot be written to a ConfigMap: use -t yaml or -t json with a cm:// destination");
  await checkDestination(output, { kubeconfig });

  const inputs = await withDeadline(Promise.all(sources.map((s) => load(s, kubeconfig))), DIFF_TIMEOUT_MS, "the documents were");
  const r = await compare(inputs, str(args["data"]));

  let text: string;
  let configMapText: string;
  if (format === "table") text = configMapText = r.table();
  else if (format === "json") {
    text = stringifyJson(r.doc);
    configMapText = stringifyJson(r.doc, { trailingNewline: false });
  } else {
    text = stringifyYaml(r.doc);
    configMapText = stringifyYaml(r.doc, { indent: 4 });
  }
  await writeDocument(output, { text, configMapText, format, kind: r.kind }, { kubeconfig, version: VERSION });
  log.info(r.summary);
  if (args["fail-on-drift"] && r.drift) throw new AicrError(ErrorCode.Conflict, r.driftMessage);
}

export default command;
