/** `aicr query`: resolve a recipe, hydrate every component's values, print the value at one selector. */
import { explainRecipe, explainSelection } from "../../core/recipe/explain.ts";
import { hydratedDocument, select } from "../../core/recipe/query.ts";
import { formatSelection, parseFormat } from "../../core/recipe/render.ts";
import { stringifyJson } from "../../core/yaml.ts";
import { criteriaArgs, dataArg, formatArg, kubeconfigArg } from "../args.ts";
import { writeOutput } from "../io.ts";
import { loadRecipeInputs, resolveWith } from "../recipe-inputs.ts";
import type { Command } from "../runner.ts";

const command: Command = {
  meta: { name: "query", description: "Print one value of the fully hydrated recipe (dot-path selector)" },
  args: {
    ...criteriaArgs,
    ...dataArg,
    ...formatArg,
    ...kubeconfigArg,
    selector: {
      type: "string",
      required: true,
      description: "Dot path into the hydrated recipe, e.g. components.gpu-operator.values.driver.version",
      valueHint: "path",
    },
    explain: { type: "boolean", description: "Show which layer set the selected value(s)" },
  },
  async run(ctx) {
    const format = parseFormat(String(ctx.args["format"]));
    const inputs = await loadRecipeInputs(ctx);
    const res = resolveWith(inputs);
    const doc = hydratedDocument(inputs.store, res.result, { nilLists: true });
    const selector = String(ctx.args["selector"]);
    const value = select(doc, selector);
    if (ctx.args["explain"]) {
      const lines = explainSelection(explainRecipe(inputs.store, res.result, res.provenance), selector);
      if (format === "json") {
        await writeOutput(undefined, stringifyJson(lines));
        return;
      }
      const w = Math.max(0, ...lines.map((l) => l.path.length));
      const text = lines
        .map((l) => `${l.path.padEnd(w)}  ${l.value === undefined ? "" : `${JSON.stringify(l.value)}  `}<- ${l.setBy}`)
        .join("\n");
      await writeOutput(undefined, `${text}\n`);
      return;
    }
    await writeOutput(undefined, formatSelection(value, format));
  },
};

export default command;
