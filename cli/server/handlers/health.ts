/** `GET /health`: the process is up and answering. */
import { JSON_TYPE, compactJson } from "../negotiate.ts";
import { textResponse } from "../respond.ts";
import { rfc3339Nano } from "../api-error.ts";

export const healthResponse = (now = new Date()): Response =>
  textResponse(compactJson({ status: "healthy", timestamp: rfc3339Nano(now) }), JSON_TYPE, { headers: { "Cache-Control": "no-store" } });
