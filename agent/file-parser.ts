/**
 * The line and key=value parser the OS collector applies to /proc and /etc files (upstream's file
 * parser): split on a delimiter, trim, drop empty parts and `#` comments; maps split each part on the
 * first key/value delimiter, and the last duplicate key wins.
 */

export interface LineOptions {
  /** Separator between parts (default newline; the kernel command line uses a single space). */
  delimiter?: string;
  /** Drop parts starting with `#` (default true). */
  skipComments?: boolean;
}

export interface MapOptions extends LineOptions {
  /** Separator between key and value (default `=`). */
  kvDelimiter?: string;
  /** Value of a part without a key/value delimiter (default ""). */
  defaultValue?: string;
  /** Characters stripped from both ends of each value, as a set (e.g. `"'` for os-release quoting). */
  valueTrimChars?: string;
  /** Leave out keys whose value is empty, and parts without a delimiter (default false). */
  skipEmptyValues?: boolean;
}

export function parseLines(text: string, opts: LineOptions = {}): string[] {
  const skipComments = opts.skipComments ?? true;
  return text
    .split(opts.delimiter ?? "\n")
    .map((p) => p.trim())
    .filter((p) => p !== "" && !(skipComments && p.startsWith("#")));
}

function trimSet(value: string, chars: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && chars.includes(value[start] as string)) start++;
  while (end > start && chars.includes(value[end - 1] as string)) end--;
  return value.slice(start, end);
}

export function parseMap(text: string, opts: MapOptions = {}): Record<string, string> {
  const kv = opts.kvDelimiter ?? "=";
  const def = opts.defaultValue ?? "";
  const out: Record<string, string> = {};
  for (const line of parseLines(text, opts)) {
    const at = line.indexOf(kv);
    if (at < 0) {
      if (opts.skipEmptyValues && def === "") continue;
      out[line] = def;
      continue;
    }
    const key = line.slice(0, at).trim();
    let value = line.slice(at + kv.length).trim();
    if (opts.valueTrimChars) value = trimSet(value, opts.valueTrimChars);
    if (opts.skipEmptyValues && value === "") continue;
    out[key] = value;
  }
  return out;
}
