/**
 * Logging to stderr through consola, in one of three modes: CLI (message text only, errors in red on a
 * terminal), text (`--debug`: key=value with time and level) and JSON (`--log-json`).
 */
import type { ConsolaInstance, LogObject } from "consola/core";
import { stderrIsTTY, writeStderr } from "./stdio.ts";

/** consola, loaded with the first logger: most runs log nothing, and loading it costs start-up time. */
const consola = (): typeof import("consola/core") => require("consola/core") as typeof import("consola/core");

export type LogMode = "cli" | "text" | "json";

const levelName = (o: LogObject): string => {
  if (o.level <= 0) return "ERROR";
  if (o.level === 1) return "WARN";
  if (o.level >= 4) return "DEBUG";
  return "INFO";
};

function messageOf(o: LogObject): { msg: string; fields: Record<string, unknown> } {
  const fields: Record<string, unknown> = {};
  const parts: string[] = [];
  for (const a of o.args) {
    if (a !== null && typeof a === "object" && !(a instanceof Error)) Object.assign(fields, a);
    else parts.push(a instanceof Error ? a.message : String(a));
  }
  return { msg: parts.join(" "), fields };
}

const quote = (v: unknown) => {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return /[\s"=]/.test(s) ? JSON.stringify(s) : s;
};

export function createLogger(mode: LogMode, write: (line: string) => void = writeStderr): ConsolaInstance {
  let color: boolean | undefined;
  const useColor = () => (color ??= mode === "cli" && !Bun.env["NO_COLOR"] && stderrIsTTY());
  const { createConsola, LogLevels } = consola();
  return createConsola({
    level: mode === "cli" ? LogLevels.info : LogLevels.debug,
    reporters: [
      {
        log(o) {
          const { msg, fields } = messageOf(o);
          const level = levelName(o);
          if (mode === "json") {
            write(`${JSON.stringify({ time: o.date.toISOString(), level, module: "aicr", msg, ...fields })}\n`);
          } else if (mode === "text") {
            const extra = Object.entries(fields).map(([k, v]) => ` ${k}=${quote(v)}`).join("");
            write(`time=${o.date.toISOString()} level=${level} module=aicr msg=${quote(msg)}${extra}\n`);
          } else {
            const extra = Object.entries(fields).map(([k, v]) => ` ${k}=${quote(v)}`).join("");
            const text = `${level === "WARN" ? "warning: " : level === "ERROR" ? "error: " : ""}${msg}${extra}`;
            write(`${level === "ERROR" && useColor() ? `\u001B[31m${text}\u001B[39m` : text}\n`);
          }
        },
      },
    ],
  });
}

let current: ConsolaInstance | undefined;
let mode: LogMode = "cli";

/** Levels a CLI-mode logger drops: calling them must not create one. */
const belowCliLevel = new Set<PropertyKey>(["debug", "trace", "verbose"]);
const dropped = () => undefined;

/**
 * The process-wide logger (CLI mode until main.ts knows the global flags). The consola instance behind
 * it is created on the first log call: most runs log nothing, and creating one costs a millisecond.
 */
export const log: ConsolaInstance = new Proxy({} as ConsolaInstance, {
  get(_target, key) {
    if (current === undefined && mode === "cli" && belowCliLevel.has(key)) return dropped;
    current ??= createLogger(mode);
    const v: unknown = Reflect.get(current, key);
    return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(current) : v;
  },
});

/** Log through `l` from now on (`log` itself puts back the logger of the current mode). */
export function setLogger(l: ConsolaInstance): void {
  current = l === log ? undefined : l;
}

/** Log in `mode` from now on; the logger is only created when something is logged. */
export function setLogMode(m: LogMode): void {
  current = undefined;
  mode = m;
}
