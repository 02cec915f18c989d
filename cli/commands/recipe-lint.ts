/** `aicr recipe lint`: check a catalogue (the embedded one, or `--data DIR` layered over it) for authoring errors. */
import { invalid } from "../../core/errors.ts";
import { embeddedEntries } from "../../core/catalogue/embedded.ts";
import { lintEntries, lintFiles, renderLint } from "../../core/recipe/lint.ts";
import { stringifyJson } from "../../core/yaml.ts";
import { readDataDir } from "../data-dir.ts";
import { writeOutput } from "../io.ts";
import type { Command } from "../runner.ts";

const command: Command = {
  meta: { name: "lint", description: "Check a recipe catalogue: schemas, references, cycles, reachability, duplicates" },
  args: {
    data: { type: "string", description: "Catalogue directory to check, layered over the embedded one", valueHint: "dir" },
    standalone: { type: "boolean", description: "With --data: check the directory on its own, not layered over the embedded catalogue" },
    format: { type: "string", alias: ["t"], description: "Report format: text or json", default: "text", valueHint: "format" },
  },
  async run(ctx) {
    const format = String(ctx.args["format"]);
    if (format !== "text" && format !== "json") throw invalid(`unknown lint format "${format}" (use text or json)`);
    const dir = ctx.args["data"] as string | undefined;
    const report = dir
      ? lintFiles(readDataDir(dir), ctx.args["standalone"] ? [] : embeddedEntries())
      : lintEntries(embeddedEntries(), []);
    await writeOutput(undefined, format === "json" ? stringifyJson(report) : renderLint(report));
    if (report.errors > 0) throw invalid(`catalogue lint found ${report.errors} error${report.errors === 1 ? "" : "s"}`);
  },
};

export default command;
