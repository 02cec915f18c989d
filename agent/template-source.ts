/**
 * Where a `--template` comes from: a local file, an http(s) URL (30 s, at most 1 MiB, non-200 is
 * SERVICE_UNAVAILABLE), or `builtin:NAME` (compiled in). A missing file or unknown built-in is NOT_FOUND.
 */
import { AicrError, ErrorCode, invalid, notFound } from "../core/errors.ts";

/** Time allowed for fetching a template over HTTP. */
export const TEMPLATE_FETCH_TIMEOUT_MS = 30_000;
/** Largest template accepted. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

export interface TemplateSource {
  /** What errors call it (`template: NAME:LINE:COL`). */
  name: string;
  text: string;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

export async function readTemplate(source: string): Promise<TemplateSource> {
  const src = source.trim();
  if (src === "") throw invalid("--template needs a file, URL or builtin:NAME");
  if (src.startsWith("builtin:")) {
    const { builtinTemplate, builtinTemplateNames } = await import("./builtin-templates.ts");
    const found = builtinTemplate(src.slice("builtin:".length));
    if (!found) throw notFound(`no built-in template ${src} (available: ${builtinTemplateNames().map((n) => `builtin:${n}`).join(", ")})`);
    return { name: found.file, text: found.text };
  }
  if (isUrl(src)) {
    let res: Response;
    try {
      res = await fetch(src, { signal: AbortSignal.timeout(TEMPLATE_FETCH_TIMEOUT_MS), headers: { "User-Agent": "AICR-Serializer/1.0" } });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new AicrError(timedOut ? ErrorCode.Timeout : ErrorCode.ServiceUnavailable, `cannot fetch template ${src}`, { cause: err });
    }
    if (res.status !== 200) throw new AicrError(ErrorCode.ServiceUnavailable, `cannot fetch template ${src}: HTTP ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_TEMPLATE_BYTES) throw invalid(`template ${src} is larger than ${MAX_TEMPLATE_BYTES} bytes`);
    return { name: src, text };
  }
  const file = Bun.file(src);
  if (!(await file.exists())) throw notFound(`template not found: ${src}`);
  if (file.size > MAX_TEMPLATE_BYTES) throw invalid(`template ${src} is larger than ${MAX_TEMPLATE_BYTES} bytes`);
  try {
    return { name: src, text: await file.text() };
  } catch (err) {
    throw invalid(`cannot read template ${src}: ${(err as Error).message}`);
  }
}
