/** Durations in Go syntax (`30s`, `1.5m`, `1h30m`, `500ms`), as every aicr `--timeout` flag takes them. */
import { invalid } from "../core/errors.ts";

const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds of a Go duration. Throws INVALID_REQUEST naming `flag` when the text is not one. */
export function parseDuration(text: string, flag = "duration"): number {
  const s = text.trim();
  const bad = () => invalid(`invalid value for ${flag}: "${text}" (expected a duration such as 30s, 2m or 1m30s)`);
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
