/**
 * Recipe and query answers are pure functions of their request (criteria, selector, format) and the
 * catalogue, which does not change while serving: rendered bodies are kept in a bounded LRU cache.
 */
import type { Criteria } from "../../core/recipe/criteria.ts";
import type { CachedBody, RequestContext } from "./context.ts";
import { CACHE_CONTROL, textResponse } from "./respond.ts";

/** A cache key part that names every criterion. */
export const criteriaKey = (c: Criteria): string => [c.service, c.accelerator, c.intent, c.os, c.platform, c.nodes].join("|");

/** The cached body for `key`, or build, cache and return it; `Cache-Control` and `Vary` set. */
export function cachedResponse(ctx: RequestContext, key: string, build: () => CachedBody): Response {
  let body = ctx.cache.get(key);
  if (body) ctx.metrics.cacheHits.inc();
  else {
    ctx.metrics.cacheMisses.inc();
    body = build();
    ctx.cache.set(key, body);
  }
  return textResponse(body.text, body.contentType, { headers: { "Cache-Control": CACHE_CONTROL, Vary: "Accept" } });
}
