#!/usr/bin/env bun
/**
 * `aicr` command-line entry: global flags, lazily loaded subcommands, and the single place where a
 * failure becomes one error line and an exit status (a stack trace only with --debug).
 */
import { AicrError, errorDetails, exitCodeFor, renderError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { globalArgs } from "./args.ts";
import { log, setLogMode, type LogMode } from "./logger.ts";
import { flushStderr, writeStdout } from "./stdio.ts";
import { argsOf, parseArgv, resolveCommand, UsageError, usageOf, type ArgsDef, type Command } from "./runner.ts";

export const root: Command = {
  meta: {
    name: "aicr",
    version: VERSION,
    description: "AI Cluster Runtime: version-locked recipes for GPU Kubernetes clusters",
  },
  args: globalArgs,
  subCommands: {
    recipe: () => import("./commands/recipe.ts").then((m) => m.default),
    query: () => import("./commands/query.ts").then((m) => m.default),
    validate: () => import("./commands/validate.ts").then((m) => m.default),
    bundle: () => import("./commands/bundle.ts").then((m) => m.default),
    verify: () => import("./commands/verify.ts").then((m) => m.default),
    snapshot: () => import("./commands/snapshot.ts").then((m) => m.default),
    diff: () => import("./commands/diff.ts").then((m) => m.default),
    serve: () => import("./commands/serve.ts").then((m) => m.default),
    completion: () => import("./commands/completion.ts").then((m) => m.default),
  },
};

const envTrue = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v);

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes("--debug") || envTrue(Bun.env["AICR_DEBUG"]);
  const json = argv.includes("--log-json") || envTrue(Bun.env["AICR_LOG_JSON"]);
  const mode: LogMode = json ? "json" : debug ? "text" : "cli";
  setLogMode(mode);

  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    await writeStdout(`aicr version ${VERSION}\n`);
    return 0;
  }
  try {
    const resolved = await resolveCommand(root, argv, "aicr");
    if (resolved.argv.includes("--help") || resolved.argv.includes("-h") || (!resolved.cmd.run && resolved.argv.length === 0)) {
      await writeStdout(`${await usageOf(resolved, VERSION)}\n`);
      return 0;
    }
    const defs: ArgsDef = { ...globalArgs, ...(await argsOf(resolved.cmd)) };
    const { args, given } = parseArgv(resolved.argv, defs, resolved.path);
    const positionals: [string, ArgsDef[string]][] = [];
    for (const [name, d] of Object.entries(defs)) if (d.type === "positional") positionals.push([name, d]);
    if (args._.length > positionals.length) throw new UsageError(`unexpected argument "${args._[positionals.length]}"`, resolved.path);
    for (let i = 0; i < positionals.length; i++) {
      const [name, d] = positionals[i] as [string, ArgsDef[string]];
      const v = args._[i];
      if (v !== undefined) args[name] = v;
      else if (d.default !== undefined) args[name] = d.default as string;
      else if (d.required !== false) throw new UsageError(`missing argument ${name.toUpperCase()}`, resolved.path);
    }
    if (!resolved.cmd.run) throw new UsageError("a command is required", resolved.path);
    await resolved.cmd.run({ args, rawArgs: resolved.argv, given });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      log.error(`${err.message} (run "${err.commandPath} --help" for usage)`);
      return 1;
    }
    log.error(renderError(err));
    for (const d of errorDetails(err)) log.error(`  ${d}`);
    if (debug && err instanceof Error && !(err instanceof AicrError)) log.debug(err.stack ?? "");
    if (debug && err instanceof AicrError) log.debug(err.stack ?? "");
    return exitCodeFor(err);
  }
}

if (import.meta.main) {
  void main(Bun.argv.slice(2))
    .then(async (code) => {
      await flushStderr();
      process.exitCode = code;
    });
}
