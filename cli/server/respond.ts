/** Building responses: documents in the negotiated format, errors in the API's error shape. */
import { ApiError, errorBody } from "./api-error.ts";
import { contentTypeOf, encode, type WireFormat } from "./negotiate.ts";

/** Successful recipe and query answers may be cached by clients and proxies for this long. */
export const CACHE_CONTROL = "public, max-age=600";

export function textResponse(text: string, contentType: string, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(text, { status: init.status ?? 200, headers: { "Content-Type": contentType, ...init.headers } });
}

/** A document encoded as `format`; `Vary: Accept` because the format was negotiated. */
export function documentResponse(value: unknown, format: WireFormat, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return textResponse(encode(value, format), contentTypeOf(format), { status: init.status, headers: { Vary: "Accept", ...init.headers } });
}

export function errorResponse(e: ApiError, requestId: string, format: WireFormat, now = new Date()): Response {
  return documentResponse(errorBody(e, requestId, now), format, { status: e.status, headers: e.headers });
}
