/** `aicr recipe`: resolve criteria against the catalogue into one hydrated, version-locked recipe. */
import { explainRecipe, renderExplanation } from "../../core/recipe/explain.ts";
import { formatRecipe, parseFormat } from "../../core/recipe/render.ts";
import { stringifyJson } from "../../core/yaml.ts";
import { criteriaArgs, dataArg, formatArg, kubeconfigArg, outputArg } from "../args.ts";
import { writeOutput } from "../io.ts";
import { VERSION } from "../../core/version.ts";

const isConfigMap = (s: string | undefined) => (s ?? "").trim().startsWith("cm://");
import { log } from "../logger.ts";
import { asBuildError, loadRecipeInputs, pickSetting, resolveWith } from "../recipe-inputs.ts";
import type { Command } from "../runner.ts";

const command: Command = {
  meta: { name: "recipe", description: "Generate a version-locked recipe from criteria, a criteria file or a config file" },
  args: {
    ...criteriaArgs,
    ...dataArg,
    ...outputArg,
    ...formatArg,
    ...kubeconfigArg,
    explain: { type: "boolean", description: "Show which layer set each component field and each Helm value" },
  },
  subCommands: {
    lint: () => import("./recipe-lint.ts").then((m) => m.default),
  },
  async run(ctx) {
    const inputs = await asBuildError(() => loadRecipeInputs(ctx));
    const format = parseFormat(pickSetting<string>(ctx, "format", inputs.config?.spec.recipe?.output?.format) ?? "yaml");
    const output = pickSetting<string>(ctx, "output", inputs.config?.spec.recipe?.output?.path);
    const res = await asBuildError(() => resolveWith(inputs));
    let text: string;
    let configMapText: string;
    if (ctx.args["explain"]) {
      const e = explainRecipe(inputs.store, res.result, res.provenance);
      text = format === "json" ? stringifyJson(e) : renderExplanation(e);
      configMapText = text;
    } else {
      text = formatRecipe(res.result, format);
      configMapText = formatRecipe(res.result, format, { forConfigMap: true });
    }
    if (isConfigMap(output)) {
      const { writeDocument } = await import("../sources.ts");
      await writeDocument(output, { text, configMapText, format, kind: "RecipeResult" }, { kubeconfig: ctx.args["kubeconfig"] as string | undefined, version: VERSION });
    } else {
      await writeOutput(output, text);
    }
    log.info(`recipe generated`, {
      output: output && output !== "-" ? output : "stdout",
      components: res.result.componentRefs.length,
      overlays: res.result.metadata.appliedOverlays.length,
    });
  },
};

export default command;
