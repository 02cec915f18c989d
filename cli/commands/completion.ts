/**
 * `aicr completion bash|zsh|fish`: print a completion script for every command and flag, with values
 * from the catalogue (criteria, deployers, formats, phases, component names for --set/--dynamic).
 */
import { invalid } from "../../core/errors.ts";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { bashScript } from "../completion/bash.ts";
import { fishScript } from "../completion/fish.ts";
import { commandSpec, shells, type Shell } from "../completion/spec.ts";
import { zshScript } from "../completion/zsh.ts";
import { log } from "../logger.ts";
import type { Command } from "../runner.ts";
import { writeStdout } from "../stdio.ts";

/** The completion script for `shell`. */
export async function completionScript(shell: Shell): Promise<string> {
  const { root } = await import("../main.ts");
  const components = (embeddedStore().registry.components ?? []).map((c) => c.name).sort();
  const spec = await commandSpec(root, [], { components }, (path, err) => log.debug(`completion: skipping "aicr ${path}": ${(err as Error).message}`));
  if (shell === "bash") return bashScript(spec);
  if (shell === "zsh") return zshScript(spec, components);
  return fishScript(spec);
}

const command: Command = {
  meta: { name: "completion", description: "Print a shell completion script (bash, zsh or fish)" },
  args: {
    shell: { type: "positional", description: `Shell: ${shells.join(", ")}`, valueHint: "shell" },
  },
  async run(ctx) {
    const shell = String(ctx.args["shell"] ?? "");
    if (!(shells as readonly string[]).includes(shell)) throw invalid(`unsupported shell "${shell}" (allowed: ${shells.join(", ")})`);
    await writeStdout(await completionScript(shell as Shell));
  },
};

export default command;
