/** `GET /ready`: 200 while serving; 503 once shutdown has begun (take this replica out of rotation). */
import { JSON_TYPE, compactJson } from "../negotiate.ts";
import { textResponse } from "../respond.ts";
import { rfc3339Nano } from "../api-error.ts";

export function readyResponse(ready: boolean, now = new Date()): Response {
  const headers = { "Cache-Control": "no-store" };
  if (ready) return textResponse(compactJson({ status: "ready", timestamp: rfc3339Nano(now) }), JSON_TYPE, { headers });
  return textResponse(compactJson({ status: "not_ready", timestamp: rfc3339Nano(now), reason: "service is shutting down" }), JSON_TYPE, { status: 503, headers });
}
