/** Durations in Go syntax (`5m`, `1h30m`, `90s`, `1.5m`, `500ms`): parsing for `--timeout`, and Go's text form. */
import { invalid } from "../errors.ts";

const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds of a Go duration; INVALID_REQUEST naming `flag` when the text is not one. */
export function parseGoDuration(text: string, flag = "--timeout"): number {
  const s = text.trim();
  const bad = () => invalid(`invalid value for ${flag}: "${text}" (expected a duration such as 30s, 5m or 1h30m)`);
  if (s === "0") return 0;
  let i = 0;
  let sign = 1;
  if (s[0] === "-" || s[0] === "+") {
    sign = s[0] === "-" ? -1 : 1;
    i = 1;
  }
  if (i >= s.length) throw bad();
  let total = 0;
  while (i < s.length) {
    part.lastIndex = i;
    const m = part.exec(s);
    if (!m) throw bad();
    total += Number(m[1]) * (unitMs[m[2] as string] as number);
    i += m[0].length;
  }
  return sign * total;
}

/** Go's text of a duration given in milliseconds: `5m0s`, `1h30m0s`, `1.5s`, `250ms`, `0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? "-" : ""}${+rest.toFixed(6)}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = +(rest / 1000).toFixed(9);
  let out = "";
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${s}s`;
  return (neg ? "-" : "") + out;
}
