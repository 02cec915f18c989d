/** `/metrics`: Prometheus exposition of the server's metrics (any method). */
import { METRICS_CONTENT_TYPE, type ServerMetrics } from "../metrics.ts";
import { textResponse } from "../respond.ts";

export const metricsResponse = (metrics: ServerMetrics): Response =>
  textResponse(metrics.render(), METRICS_CONTENT_TYPE, { headers: { "Cache-Control": "no-store" } });
