/** The API routes: path, allowed methods, handler and default deadline. */
import { DEFAULT_BUNDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "./config.ts";
import type { Handler } from "./context.ts";
import { bundleHandler } from "./handlers/bundle.ts";
import { infoHandler } from "./handlers/info.ts";
import { queryHandler } from "./handlers/query.ts";
import { recipeHandler } from "./handlers/recipe.ts";
import { validateHandler } from "./handlers/validate.ts";

export interface Route {
  methods: readonly string[];
  handler: Handler;
  /** Deadline when the server is not given one. */
  defaultTimeoutMs: number;
}

/** Paths answered without the API chain (no rate limit, request id or request metrics). */
export const HEALTH_PATH = "/health";
export const READY_PATH = "/ready";
export const METRICS_PATH = "/metrics";

const apiRoutes: Record<string, Route> = {
  "/v1/recipe": { methods: ["GET", "POST"], handler: recipeHandler, defaultTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS },
  "/v1/query": { methods: ["GET", "POST"], handler: queryHandler, defaultTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS },
  "/v1/bundle": { methods: ["POST"], handler: bundleHandler, defaultTimeoutMs: DEFAULT_BUNDLE_TIMEOUT_MS },
  "/v1/validate": { methods: ["POST"], handler: validateHandler, defaultTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS },
};

/** Every routed path, `/` (service information) included. */
export const routes: Record<string, Route> = {
  ...apiRoutes,
  "/": { methods: ["GET"], handler: infoHandler(Object.keys(apiRoutes)), defaultTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS },
};

/** Paths listed by `GET /` and in 404 answers. */
export const apiPaths: readonly string[] = Object.keys(apiRoutes).sort();
