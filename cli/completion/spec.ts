/**
 * The command tree as shell completion needs it: every command and subcommand, its flags (with
 * aliases, whether they take a value and may repeat) and positionals, and where values come from —
 * the catalogue's criteria values, deployer names, formats, phases, component names for `--set` /
 * `--dynamic`, files or directories. Built by walking the CLI's own command definitions.
 */
import { deployerNames } from "../../core/bundle/options.ts";
import { criteriaFields, criteriaValues, type CriteriaField } from "../../core/recipe/criteria.ts";
import { phaseValues } from "../../core/validate/phases.ts";
import { globalArgs } from "../args.ts";
import { argsOf, type ArgDef, type ArgsDef, type Command } from "../runner.ts";

export type ValueSource =
  | { kind: "none" }
  | { kind: "files" }
  | { kind: "dirs" }
  /** Fixed words; `suffix` is appended with no space after it (component names get `:`). */
  | { kind: "words"; words: readonly string[]; suffix?: string };

export interface FlagSpec {
  /** Long name, without dashes. */
  name: string;
  /** Every spelling with its dashes: `--accelerator`, `--gpu`, `-c`. */
  spellings: string[];
  description: string;
  takesValue: boolean;
  multiple: boolean;
  values: ValueSource;
}

export interface PositionalSpec {
  name: string;
  description: string;
  values: ValueSource;
}

export interface CommandSpec {
  /** Words after the program name, e.g. [] for the root, ["recipe", "lint"]. */
  path: string[];
  description: string;
  flags: FlagSpec[];
  positionals: PositionalSpec[];
  subcommands: CommandSpec[];
}

/** Flags accepted before the subcommand name (and by every command). */
export const GLOBAL_FLAGS = ["--debug", "--log-json"] as const;

/** Shells `aicr completion` writes scripts for. */
export const shells = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof shells)[number];

/** What completion knows besides the command definitions. */
export interface ValueCatalogue {
  components: readonly string[];
}

const resolve = async <T>(v: T | (() => T | Promise<T>) | Promise<T>): Promise<T> => (typeof v === "function" ? await (v as () => T | Promise<T>)() : await v);

const aliasesOf = (d: ArgDef): string[] => {
  const a = (d as { alias?: string | string[] }).alias;
  return a === undefined ? [] : Array.isArray(a) ? a : [a];
};

const dash = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);

/** Output formats named in a flag's description (the CLI documents them there). */
const formatWords = ["yaml", "json", "table", "text"] as const;

function valuesFor(cmdPath: readonly string[], name: string, def: ArgDef, cat: ValueCatalogue): ValueSource {
  const options = (def as { options?: string[] }).options;
  if (def.type === "enum" && options) return { kind: "words", words: options };
  if ((criteriaFields as readonly string[]).includes(name)) return { kind: "words", words: criteriaValues[name as CriteriaField] };
  if (name === "deployer") return { kind: "words", words: deployerNames };
  if (name === "phase") return { kind: "words", words: phaseValues };
  if (name === "set" || name === "dynamic") return { kind: "words", words: cat.components, suffix: ":" };
  if (name === "format") {
    const desc = def.description ?? "";
    const named = formatWords.filter((w) => new RegExp(`\\b${w}\\b`).test(desc));
    return { kind: "words", words: named.length > 0 ? named : ["yaml", "json", "table"] };
  }
  if (cmdPath[0] === "completion" && name === "shell") return { kind: "words", words: shells };
  const hint = (def as { valueHint?: string }).valueHint ?? "";
  if (hint === "dir" || name === "data") return { kind: "dirs" };
  if (["file", "path", "source"].includes(hint) || name === "kubeconfig") return { kind: "files" };
  return { kind: "none" };
}

function flagSpec(cmdPath: readonly string[], name: string, def: ArgDef, cat: ValueCatalogue): FlagSpec {
  const takesValue = def.type !== "boolean";
  return {
    name,
    spellings: [dash(name), ...aliasesOf(def).map(dash)],
    description: (def.description ?? "").replace(/\s+/g, " ").trim(),
    takesValue,
    multiple: def.multiple === true,
    values: takesValue ? valuesFor(cmdPath, name, def, cat) : { kind: "none" },
  };
}

const helpFlag: FlagSpec = { name: "help", spellings: ["--help", "-h"], description: "Show help", takesValue: false, multiple: false, values: { kind: "none" } };
const versionFlag: FlagSpec = { name: "version", spellings: ["--version", "-v"], description: "Print the version", takesValue: false, multiple: false, values: { kind: "none" } };

/**
 * The spec of `cmd` and everything below it. A subcommand whose module cannot be loaded is left out
 * (`onSkip` is told), so completion still works for the rest.
 */
export async function commandSpec(cmd: Command, path: string[], cat: ValueCatalogue, onSkip: (path: string, err: unknown) => void = () => {}): Promise<CommandSpec> {
  const defs: ArgsDef = { ...globalArgs, ...(await argsOf(cmd)) };
  const flags: FlagSpec[] = [];
  const positionals: PositionalSpec[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (def.hidden) continue;
    if (def.type === "positional") {
      positionals.push({ name, description: (def.description ?? name).trim(), values: positionalValues(path, name, def, cat) });
    } else flags.push(flagSpec(path, name, def, cat));
  }
  flags.push(helpFlag);
  if (path.length === 0) flags.push(versionFlag);
  const subcommands: CommandSpec[] = [];
  const subs = cmd.subCommands ? await resolve(cmd.subCommands) : {};
  for (const name of Object.keys(subs).sort()) {
    let sub: Command;
    try {
      sub = await resolve(subs[name] as Command | (() => Command | Promise<Command>));
    } catch (err) {
      onSkip([...path, name].join(" "), err);
      continue;
    }
    subcommands.push(await commandSpec(sub, [...path, name], cat, onSkip));
  }
  const meta = cmd.meta ? await resolve(cmd.meta) : {};
  return { path, description: ((meta as { description?: string }).description ?? "").trim(), flags, positionals, subcommands };
}

/** Positionals: words when known, directories for a `dir` hint, otherwise files. */
function positionalValues(path: readonly string[], name: string, def: ArgDef, cat: ValueCatalogue): ValueSource {
  const v = valuesFor(path, name, def, cat);
  if (v.kind !== "none") return v;
  return (def as { valueHint?: string }).valueHint === "dir" ? { kind: "dirs" } : { kind: "files" };
}

/** Every command of the tree, parents before children. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(allCommands)];
}
