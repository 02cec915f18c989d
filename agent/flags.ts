/**
 * Strict command-line flags for the agent: `--name value`, `--name=value`, `-x value`, booleans as
 * `--name` or `--name=true|false`. Unknown flags, missing values, repeated flags and stray arguments are
 * INVALID_REQUEST errors naming the problem, so nothing runs with a misread command line.
 */
import { invalid } from "../core/errors.ts";

export interface FlagDef {
  name: string;
  alias?: string;
  type: "string" | "boolean";
  /** Placeholder for the value in help (`PATH`, `DURATION`). */
  value?: string;
  description: string;
}

export type FlagValues = Record<string, string | boolean | undefined>;

export function parseFlags(argv: readonly string[], defs: readonly FlagDef[], helpHint: string): FlagValues {
  const values: FlagValues = {};
  const fail = (msg: string) => invalid(`${msg} (run "${helpHint}" for usage)`);
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (!tok.startsWith("-") || tok === "-") throw fail(`unexpected argument "${tok}"`);
    if (tok === "--") {
      if (i + 1 < argv.length) throw fail(`unexpected argument "${argv[i + 1]}"`);
      break;
    }
    const eq = tok.indexOf("=");
    const flag = eq >= 0 ? tok.slice(0, eq) : tok;
    const def = flag.startsWith("--")
      ? defs.find((d) => d.name === flag.slice(2))
      : flag.length === 2
        ? defs.find((d) => d.alias === flag.slice(1))
        : undefined;
    if (def === undefined) throw fail(`unknown flag: ${flag}`);
    if (values[def.name] !== undefined) throw fail(`flag --${def.name} can only be specified once`);
    if (def.type === "boolean") {
      if (eq < 0) values[def.name] = true;
      else {
        const raw = tok.slice(eq + 1).toLowerCase();
        if (raw !== "true" && raw !== "false") throw fail(`invalid value for ${flag}: "${tok.slice(eq + 1)}" (expected true or false)`);
        values[def.name] = raw === "true";
      }
      continue;
    }
    if (eq >= 0) values[def.name] = tok.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) throw fail(`flag ${flag} needs a value`);
      values[def.name] = next;
      i++;
    }
  }
  return values;
}

/** Help lines for `defs`, aligned. */
export function flagHelp(defs: readonly FlagDef[]): string {
  const left = defs.map((d) => `${d.alias ? `-${d.alias}, ` : "    "}--${d.name}${d.value ? ` ${d.value}` : ""}`);
  const width = Math.max(...left.map((l) => l.length)) + 3;
  return defs.map((d, i) => `  ${(left[i] as string).padEnd(width)}${d.description}`).join("\n");
}
