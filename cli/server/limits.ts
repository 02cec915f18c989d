/**
 * Request size limits: a body larger than the limit is refused with 413 before it is read whole
 * (by its Content-Length when given, else as soon as the streamed bytes pass the limit). Also parses
 * sizes such as `8MiB` for `--max-body`.
 */
import { ErrorCode, invalid } from "../../core/errors.ts";
import { ApiError } from "./api-error.ts";

const units: Record<string, number> = { "": 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, ki: 1024, kib: 1024, mi: 1024 ** 2, mib: 1024 ** 2, gi: 1024 ** 3, gib: 1024 ** 3 };

/** Bytes of a size such as `1048576`, `512KiB`, `8MiB` or `10MB`; INVALID_REQUEST naming `flag` otherwise. */
export function parseByteSize(text: string, flag: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? units[(m[2] ?? "").toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw invalid(`invalid value for ${flag}: "${text}" (expected a positive size such as 1048576, 512KiB or 8MiB)`);
  }
  return Number(m[1]) * unit;
}

export const tooLarge = (limit: number) =>
  new ApiError(ErrorCode.InvalidRequest, "Request body too large", { limit }, { status: 413 });

/**
 * The request body as text, at most `limit` bytes. `signal` aborts the read (the request deadline);
 * the reader is then cancelled and the abort reason thrown.
 */
export async function readBody(req: Request, limit: number, signal: AbortSignal): Promise<string> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const onAbort = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      size += value.length;
      if (size > limit) {
        void reader.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(all);
}
