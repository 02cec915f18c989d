/** Sprig arithmetic: integer functions convert every operand with `cast.ToInt64` (so `"3"` is 3); the `…f`
 * variants work on float64. */
import { def, type FunctionDef } from "../functions.ts";
import { toFloat64, toInt64 } from "./convert.ts";

function intDiv(a: unknown, b: unknown): number {
  const d = toInt64(b);
  if (d === 0) throw new Error("runtime error: integer divide by zero");
  return Math.trunc(toInt64(a) / d);
}

function intMod(a: unknown, b: unknown): number {
  const d = toInt64(b);
  if (d === 0) throw new Error("runtime error: integer divide by zero");
  return toInt64(a) % d;
}

/** Go's `math.Round`-based `round x precision [roundOn]`. */
function round(a: unknown, p: number, rOpt?: unknown): number {
  const roundOn = rOpt === undefined ? 0.5 : toFloat64(rOpt);
  const val = toFloat64(a);
  const pow = 10 ** p;
  const digit = pow * val;
  const intPart = Math.trunc(digit);
  const div = digit - intPart;
  const rounded = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return rounded / pow;
}

export const mathFunctions: Readonly<Record<string, FunctionDef>> = {
  add: def([], (...a: unknown[]) => a.reduce<number>((s, x) => s + toInt64(x), 0), "any"),
  add1: def(["any"], (a: unknown) => toInt64(a) + 1),
  sub: def(["any", "any"], (a: unknown, b: unknown) => toInt64(a) - toInt64(b)),
  mul: def(["any"], (a: unknown, ...r: unknown[]) => r.reduce<number>((s, x) => s * toInt64(x), toInt64(a)), "any"),
  div: def(["any", "any"], intDiv),
  mod: def(["any", "any"], intMod),
  max: def(["any"], (a: unknown, ...r: unknown[]) => r.reduce<number>((m, x) => Math.max(m, toInt64(x)), toInt64(a)), "any"),
  min: def(["any"], (a: unknown, ...r: unknown[]) => r.reduce<number>((m, x) => Math.min(m, toInt64(x)), toInt64(a)), "any"),
  addf: def([], (...a: unknown[]) => a.reduce<number>((s, x) => s + toFloat64(x), 0), "any"),
  add1f: def(["any"], (a: unknown) => toFloat64(a) + 1),
  subf: def(["any"], (a: unknown, ...r: unknown[]) => r.reduce<number>((s, x) => s - toFloat64(x), toFloat64(a)), "any"),
  mulf: def(["any"], (a: unknown, ...r: unknown[]) => r.reduce<number>((s, x) => s * toFloat64(x), toFloat64(a)), "any"),
  divf: def(["any"], (a: unknown, ...r: unknown[]) => r.reduce<number>((s, x) => s / toFloat64(x), toFloat64(a)), "any"),
  maxf: def(["any"], (a: unknown, ...r: unknown[]) => r.reduce<number>((m, x) => Math.max(m, toFloat64(x)), toFloat64(a)), "any"),
  minf: def(["any"], (a: unknown, ...r: unknown[]) => r.reduce<number>((m, x) => Math.min(m, toFloat64(x)), toFloat64(a)), "any"),
  floor: def(["any"], (a: unknown) => Math.floor(toFloat64(a))),
  ceil: def(["any"], (a: unknown) => Math.ceil(toFloat64(a))),
  round: def(["any", "int"], round, "float"),
  int: def(["any"], toInt64),
  int64: def(["any"], toInt64),
  float64: def(["any"], toFloat64),
  atoi: def(["string"], (s: string) => (/^[+-]?\d+$/.test(s) ? Number(s) : 0)),
};
