/**
 * Go `time.Time` formatting for templates: layouts written with Go's reference time
 * (`Mon Jan 2 15:04:05 MST 2006`) and `Time.String()`. Every time is shown in UTC.
 */

const longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const longMonths = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const pad = (n: number, width: number, ch = "0") => String(n).padStart(width, ch);

/** Layout elements, longest first so that prefixes do not win (`January` before `Jan`, `2006` before `2`). */
const tokens: readonly [string, (d: Date) => string][] = [
  ["January", (d) => longMonths[d.getUTCMonth()] as string],
  ["Monday", (d) => longDays[d.getUTCDay()] as string],
  ["Jan", (d) => (longMonths[d.getUTCMonth()] as string).slice(0, 3)],
  ["Mon", (d) => (longDays[d.getUTCDay()] as string).slice(0, 3)],
  ["MST", () => "UTC"],
  ["2006", (d) => pad(d.getUTCFullYear(), 4)],
  ["-07:00:00", () => "+00:00:00"],
  ["-070000", () => "+000000"],
  ["-07:00", () => "+00:00"],
  ["-0700", () => "+0000"],
  ["-07", () => "+00"],
  ["Z07:00:00", () => "Z"],
  ["Z070000", () => "Z"],
  ["Z07:00", () => "Z"],
  ["Z0700", () => "Z"],
  ["Z07", () => "Z"],
  ["002", (d) => pad(dayOfYear(d), 3)],
  ["__2", (d) => pad(dayOfYear(d), 3, " ")],
  ["01", (d) => pad(d.getUTCMonth() + 1, 2)],
  ["02", (d) => pad(d.getUTCDate(), 2)],
  ["_2", (d) => pad(d.getUTCDate(), 2, " ")],
  ["06", (d) => pad(d.getUTCFullYear() % 100, 2)],
  ["15", (d) => pad(d.getUTCHours(), 2)],
  ["03", (d) => pad(hour12(d), 2)],
  ["04", (d) => pad(d.getUTCMinutes(), 2)],
  ["05", (d) => pad(d.getUTCSeconds(), 2)],
  ["PM", (d) => (d.getUTCHours() >= 12 ? "PM" : "AM")],
  ["pm", (d) => (d.getUTCHours() >= 12 ? "pm" : "am")],
  ["1", (d) => String(d.getUTCMonth() + 1)],
  ["2", (d) => String(d.getUTCDate())],
  ["3", (d) => String(hour12(d))],
  ["4", (d) => String(d.getUTCMinutes())],
  ["5", (d) => String(d.getUTCSeconds())],
];

function hour12(d: Date): number {
  const h = d.getUTCHours() % 12;
  return h === 0 ? 12 : h;
}

function dayOfYear(d: Date): number {
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.floor((d.getTime() - start) / 86_400_000) + 1;
}

/** Milliseconds as nine fraction digits (JavaScript times have millisecond precision). */
const nanos = (d: Date) => pad(((d.getTime() % 1000) + 1000) % 1000, 3) + "000000";

/** Format `d` (in UTC) with a Go layout string. */
export function formatGoTime(d: Date, layout: string): string {
  let out = "";
  let i = 0;
  outer: while (i < layout.length) {
    // Fractional seconds: `.000` / `,000` keep digits, `.999` trims trailing zeros.
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac) {
      const digits = nanos(d).slice(0, Math.min(9, (frac[1] as string).length));
      if ((frac[1] as string)[0] === "0") out += (frac[0] as string)[0] + digits;
      else {
        const trimmed = digits.replace(/0+$/, "");
        if (trimmed) out += (frac[0] as string)[0] + trimmed;
      }
      i += (frac[0] as string).length;
      continue;
    }
    for (const [tok, fn] of tokens) {
      if (layout.startsWith(tok, i)) {
        out += fn(d);
        i += tok.length;
        continue outer;
      }
    }
    out += layout[i];
    i++;
  }
  return out;
}

/** Go's `Time.String()` for a UTC time: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export const goTimeString = (d: Date): string => formatGoTime(d, "2006-01-02 15:04:05.999999999 -0700 MST");

/** Methods of `time.Time` reachable from templates (`{{ now.Unix }}`, `{{ $t.Format "2006" }}`). */
export const timeMethods: Readonly<Record<string, (d: Date, ...args: unknown[]) => unknown>> = {
  Unix: (d) => Math.floor(d.getTime() / 1000),
  UnixMilli: (d) => d.getTime(),
  Year: (d) => d.getUTCFullYear(),
  Month: (d) => longMonths[d.getUTCMonth()],
  Day: (d) => d.getUTCDate(),
  Hour: (d) => d.getUTCHours(),
  Minute: (d) => d.getUTCMinutes(),
  Second: (d) => d.getUTCSeconds(),
  Weekday: (d) => longDays[d.getUTCDay()],
  YearDay: (d) => dayOfYear(d),
  UTC: (d) => d,
  Local: (d) => d,
  String: (d) => goTimeString(d),
  Format: (d, layout) => {
    if (typeof layout !== "string") throw new Error(`wrong type for value; expected string`);
    return formatGoTime(d, layout);
  },
};
