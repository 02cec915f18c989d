/**
 * Runs a tree of citty command definitions with strict argument parsing: unknown flags, missing
 * values, bad integers and repeated single-value flags are rejected before any work starts. Help
 * text comes from citty's usage renderer.
 */
import type { ArgDef as CittyArgDef, CommandDef, Resolvable } from "citty";
import { invalid } from "../core/errors.ts";

/** A citty argument with the extras this runner enforces. */
export type ArgDef = CittyArgDef & {
  /** May be given more than once (values collected in order); otherwise a repeat is an error. */
  multiple?: boolean;
  /** Parsed as an integer. */
  int?: boolean;
  /** Not listed in help. */
  hidden?: boolean;
};
export type ArgsDef = Record<string, ArgDef>;

export type ParsedArgs = Record<string, string | string[] | boolean | number | undefined> & { _: string[] };

export interface RunContext {
  args: ParsedArgs;
  rawArgs: string[];
  /** Names of flags the user gave explicitly. */
  given: Set<string>;
}

export type Command = Omit<CommandDef<any>, "run" | "subCommands" | "args"> & {
  args?: Resolvable<ArgsDef>;
  subCommands?: Resolvable<Record<string, Resolvable<Command>>>;
  run?: (ctx: RunContext) => unknown;
};

/** A usage problem: printed with a hint to `--help`, exit status 1. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly commandPath: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

const resolve = async <T>(v: Resolvable<T>): Promise<T> => (typeof v === "function" ? await (v as () => T | Promise<T>)() : await v);

const aliasesOf = (d: ArgDef): string[] => {
  const a = (d as { alias?: string | string[] }).alias;
  return a === undefined ? [] : Array.isArray(a) ? a : [a];
};

function lookup(defs: ArgsDef, name: string): [string, ArgDef] | undefined {
  if (defs[name] && defs[name].type !== "positional") return [name, defs[name]];
  for (const [k, d] of Object.entries(defs)) if (d.type !== "positional" && aliasesOf(d).includes(name)) return [k, d];
  return undefined;
}

/** Parse `argv` against `defs`. Throws UsageError (exit 1) or INVALID_REQUEST for repeated flags (exit 2). */
export function parseArgv(argv: string[], defs: ArgsDef, commandPath: string): { args: ParsedArgs; given: Set<string> } {
  const args: ParsedArgs = { _: [] };
  const given = new Set<string>();
  const usage = (msg: string) => new UsageError(msg, commandPath);
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (tok === "--") {
      args._.push(...argv.slice(i + 1));
      break;
    }
    if (!tok.startsWith("-") || tok === "-") {
      args._.push(tok);
      continue;
    }
    const eq = tok.indexOf("=");
    const flag = eq >= 0 ? tok.slice(0, eq) : tok;
    const name = flag.replace(/^--?/, "");
    const found = lookup(defs, name);
    if (!found || (flag.startsWith("--") && name.length === 1 && !defs[name])) {
      throw usage(`unknown flag: ${flag}`);
    }
    const [key, def] = found;
    let value: string | boolean;
    if (def.type === "boolean") {
      if (eq >= 0) {
        const raw = tok.slice(eq + 1).toLowerCase();
        if (raw !== "true" && raw !== "false") throw usage(`invalid value for ${flag}: "${tok.slice(eq + 1)}" (expected true or false)`);
        value = raw === "true";
      } else value = true;
    } else if (eq >= 0) {
      value = tok.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw usage(`flag needs a value: ${flag}`);
      value = next;
      i++;
    }
    if (given.has(key) && !def.multiple) throw invalid(`flag --${key} can only be specified once`);
    given.add(key);
    if (def.multiple) {
      const list = (args[key] as string[] | undefined) ?? [];
      list.push(String(value));
      args[key] = list;
    } else if (def.int) {
      const s = String(value).trim();
      if (!/^[-+]?\d+$/.test(s)) throw usage(`invalid value for --${key}: "${value}" (expected an integer)`);
      args[key] = Number(s);
    } else {
      if (def.type === "enum" && def.options && !def.options.includes(String(value))) {
        throw invalid(`invalid value for --${key}: "${value}" (allowed: ${def.options.join(", ")})`);
      }
      args[key] = value;
    }
  }
  for (const [key, def] of Object.entries(defs)) {
    if (def.type === "positional") continue;
    if (args[key] === undefined && def.default !== undefined) args[key] = def.default as string | boolean;
    if (def.required && !given.has(key)) throw usage(`required flag --${key} not set`);
  }
  return { args, given };
}

export interface Resolved {
  cmd: Command;
  parents: Command[];
  argv: string[];
  path: string;
}

/** Walk subcommands: a leading token equal to a subcommand name (or alias) selects it. */
export async function resolveCommand(root: Command, argv: string[], rootName: string): Promise<Resolved> {
  let cmd = root;
  const parents: Command[] = [];
  let rest = argv;
  let path = rootName;
  for (;;) {
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined;
    if (!subs) break;
    // Loops rather than findIndex/some/find: see docs/start-up.md.
    let idx = 0;
    while (idx < rest.length && (rest[idx] as string).startsWith("-")) idx++;
    const first = rest[idx];
    // Only the first token may name a subcommand (after global flags).
    let onlyGlobalFlags = true;
    for (let i = 0; i < idx; i++) if (!globalFlagTokens.has(rest[i] as string)) onlyGlobalFlags = false;
    if (first === undefined || !onlyGlobalFlags) break;
    // Subcommands are matched by name only, so that no other command module is loaded.
    const entry = Object.hasOwn(subs, first) ? ([first, subs[first]] as const) : undefined;
    const sub = entry ? await resolve(entry[1]) : undefined;
    if (entry) path = `${path} ${entry[0]}`;
    if (!sub) {
      if (cmd.run) break;
      throw new UsageError(`unknown command "${first}"`, path);
    }
    parents.push(cmd);
    cmd = sub;
    rest = [...rest.slice(0, idx), ...rest.slice(idx + 1)];
  }
  return { cmd, parents, argv: rest, path };
}

/** Flags accepted before a subcommand name. */
export const globalFlagTokens = new Set(["--debug", "--log-json"]);

export async function usageOf(resolved: Resolved, version?: string): Promise<string> {
  const args = resolved.cmd.args ? await resolve(resolved.cmd.args) : {};
  // citty prints every alias with one dash: give long aliases a second one (`--gpu`).
  const visible = Object.fromEntries(
    Object.entries(args)
      .filter(([, d]) => !d.hidden)
      .map(([k, d]) => [k, { ...d, alias: aliasesOf(d).map((a) => (a.length > 1 ? `-${a}` : a)) }]),
  );
  const meta = resolved.cmd.meta ? await resolve(resolved.cmd.meta) : {};
  const { renderUsage } = await import("citty");
  const cmd = { ...(resolved.cmd as CommandDef<any>), meta: { ...meta, name: resolved.path, version }, args: visible };
  const text = await renderUsage(cmd as CommandDef<any>);
  return text.replace(/\u001B\[[0-9;]*m/g, "");
}

export async function argsOf(cmd: Command): Promise<ArgsDef> {
  return cmd.args ? await resolve(cmd.args) : {};
}
