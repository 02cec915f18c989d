/**
 * Structured logs of the server: one JSON object per line (time, level, msg, then fields), for the
 * access log and for lifecycle events. Lines are buffered and written together at the end of the
 * current turn of the event loop, so a busy server does not make one write per request.
 */

export interface AccessEntry {
  method: string;
  path: string;
  /** The route that answered ("unmatched" when none did). */
  route: string;
  status: number;
  durationMs: number;
  client: string;
  requestId: string;
  userAgent?: string;
  bytesIn?: number;
  /** Error code of an error response. */
  error?: string;
}

export type LogLevel = "INFO" | "WARN" | "ERROR";

/** One log line: `{"time":…,"level":…,"msg":…,…fields}` and a newline. */
export function logLine(level: LogLevel, msg: string, fields: Record<string, unknown> = {}, now = new Date()): string {
  return `${JSON.stringify({ time: now.toISOString(), level, msg, ...fields })}\n`;
}

/** The access-log line of a finished request. */
export function accessLine(e: AccessEntry, now = new Date()): string {
  const fields: Record<string, unknown> = {
    method: e.method,
    path: e.path,
    route: e.route,
    status: e.status,
    durationMs: Math.round(e.durationMs * 1000) / 1000,
    client: e.client,
    requestId: e.requestId,
  };
  if (e.userAgent) fields["userAgent"] = e.userAgent;
  if (e.bytesIn !== undefined) fields["bytesIn"] = e.bytesIn;
  if (e.error) fields["error"] = e.error;
  return logLine(e.status >= 500 ? "ERROR" : "INFO", "request", fields, now);
}

/** A writer that batches lines: `write` queues, the batch goes out once the current work is done. */
export function batchedWriter(sink: (text: string) => void): { write: (line: string) => void; flush: () => void } {
  let queued: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queued.length === 0) return;
    const text = queued.join("");
    queued = [];
    sink(text);
  };
  return {
    write(line) {
      queued.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
