/** `GET /`: the service name, its version and the API routes. */
import { SERVICE_NAME } from "../config.ts";
import type { Handler } from "../context.ts";
import { documentResponse } from "../respond.ts";

export const infoHandler =
  (routes: readonly string[]): Handler =>
  (ctx) =>
    documentResponse({ routes: [...routes].sort(), service: SERVICE_NAME, version: ctx.config.version }, ctx.format);
