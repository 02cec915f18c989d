/**
 * Reading inputs (local files and http(s) URLs, each with a size cap and a timeout) and writing outputs
 * atomically (temp file in the same directory, then rename), so no partial file is ever left behind.
 */
import { AicrError, ErrorCode, invalid, notFound } from "../core/errors.ts";
import { writeStdout } from "./stdio.ts";

/** Default time allowed for fetching an input over HTTP. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
/** Largest input document accepted (files and downloads). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export const isUrl = (s: string) => /^https?:\/\//i.test(s);
export const isStdout = (s: string | undefined) => s === undefined || s.trim() === "" || s.trim() === "-";

export interface Input {
  /** What the user passed (path or URL). */
  source: string;
  text: string;
}

export async function readInput(source: string, what: string, timeoutMs = DEFAULT_FETCH_TIMEOUT_MS): Promise<Input> {
  if (isUrl(source)) {
    let res: Response;
    try {
      res = await fetch(source, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new AicrError(timedOut ? ErrorCode.Timeout : ErrorCode.ServiceUnavailable, `cannot fetch ${what} ${source}${timedOut ? ` (no answer within ${timeoutMs / 1000}s)` : ""}`, { cause: err });
    }
    if (!res.ok) throw new AicrError(ErrorCode.ServiceUnavailable, `cannot fetch ${what} ${source}: HTTP ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_INPUT_BYTES) throw invalid(`${what} ${source} is larger than ${MAX_INPUT_BYTES} bytes`);
    return { source, text };
  }
  const { readFileSync, statSync } = await import("node:fs");
  let size: number;
  try {
    const st = statSync(source);
    if (st.isDirectory()) throw invalid(`${what} ${source} is a directory, expected a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof AicrError) throw err;
    throw notFound(`${what} not found: ${source}`);
  }
  if (size > MAX_INPUT_BYTES) throw invalid(`${what} ${source} is larger than ${MAX_INPUT_BYTES} bytes`);
  try {
    // Read synchronously: Bun.file().text() goes through the event loop, which costs a short command
    // more than the read itself. A leading byte order mark is dropped, as a text decoder does.
    const text = readFileSync(source, "utf8");
    return { source, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (err) {
    throw invalid(`cannot read ${what} ${source}: ${(err as Error).message}`);
  }
}

/** Write to stdout, or atomically to a file. */
export async function writeOutput(dest: string | undefined, text: string): Promise<void> {
  if (isStdout(dest)) {
    await writeStdout(text);
    return;
  }
  // The agent's writer: checks the target first (INVALID_REQUEST), then writes atomically.
  const { checkOutputTarget, writeFileAtomic } = await import("../agent/output.ts");
  const path = (dest as string).trim();
  checkOutputTarget(path);
  writeFileAtomic(path, text);
}
