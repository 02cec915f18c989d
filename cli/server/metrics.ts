/**
 * Prometheus metrics in the text exposition format (0.0.4): counters, gauges and histograms with
 * labels, written in a fixed order (families as registered, series by label text) so two scrapes of
 * the same state are identical. Paths are labelled by route, never by the raw URL, so the number of
 * series stays bounded.
 */

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Prometheus' default histogram buckets (seconds). */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labelText = (labels: Labels): string => {
  const keys = Object.keys(labels);
  return keys.length === 0 ? "" : `{${keys.map((k) => `${k}="${escapeLabel(labels[k] as string)}"`).join(",")}}`;
};

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  render(): string[];
}

export class Counter implements Family {
  readonly type = "counter";
  private readonly series = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Series shown at 0 before anything is counted. */
    initial: Labels[] = [{}],
  ) {
    for (const l of initial) this.series.set(labelText(l), 0);
  }

  inc(labels: Labels = {}, by = 1): void {
    const k = labelText(labels);
    this.series.set(k, (this.series.get(k) ?? 0) + by);
  }

  value(labels: Labels = {}): number {
    return this.series.get(labelText(labels)) ?? 0;
  }

  render(): string[] {
    return [...this.series.keys()].sort().map((k) => `${this.name}${k} ${this.series.get(k) as number}`);
  }
}

export class Gauge implements Family {
  readonly type = "gauge";
  private v = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    /** Read at scrape time instead of set. */
    private readonly read?: () => number,
  ) {}

  set(v: number): void {
    this.v = v;
  }

  add(by: number): void {
    this.v += by;
  }

  value(): number {
    return this.read ? this.read() : this.v;
  }

  render(): string[] {
    return [`${this.name} ${this.value()}`];
  }
}

interface HistogramSeries {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram implements Family {
  readonly type = "histogram";
  private readonly series = new Map<string, { labels: Labels; s: HistogramSeries }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[] = DEFAULT_BUCKETS,
  ) {}

  observe(labels: Labels, seconds: number): void {
    const k = labelText(labels);
    let e = this.series.get(k);
    if (!e) {
      e = { labels, s: { counts: this.buckets.map(() => 0), sum: 0, count: 0 } };
      this.series.set(k, e);
    }
    this.buckets.forEach((le, i) => {
      if (seconds <= le) (e as { s: HistogramSeries }).s.counts[i]! += 1;
    });
    e.s.sum += seconds;
    e.s.count += 1;
  }

  count(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.s.count ?? 0;
  }

  render(): string[] {
    const out: string[] = [];
    for (const k of [...this.series.keys()].sort()) {
      const { labels, s } = this.series.get(k) as { labels: Labels; s: HistogramSeries };
      this.buckets.forEach((le, i) => out.push(`${this.name}_bucket${labelText({ ...labels, le: String(le) })} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${s.count}`);
      out.push(`${this.name}_sum${k} ${s.sum}`);
      out.push(`${this.name}_count${k} ${s.count}`);
    }
    return out;
  }
}

/** Every metric aicrd exports. */
export class ServerMetrics {
  readonly requests = new Counter("aicr_http_requests_total", "HTTP requests by method, route and status code.", []);
  readonly duration = new Histogram("aicr_http_request_duration_seconds", "Time to answer an HTTP request, by method and route.");
  readonly inFlight = new Gauge("aicr_http_requests_in_flight", "HTTP requests being answered.");
  readonly rateLimitRejects = new Counter("aicr_rate_limit_rejects_total", "Requests refused by the per-client rate limit.");
  readonly panics = new Counter("aicr_panic_recoveries_total", "Requests that failed with an unexpected error (answered 500).");
  readonly timeouts = new Counter("aicr_http_request_timeouts_total", "Requests that ran past their deadline (answered 504).");
  readonly recipeBuild = new Histogram("aicr_recipe_build_duration_seconds", "Time to resolve a recipe (cache misses only).");
  readonly cacheHits = new Counter("aicr_recipe_cache_hits_total", "Recipe and query responses served from the response cache.");
  readonly cacheMisses = new Counter("aicr_recipe_cache_misses_total", "Recipe and query responses built because they were not cached.");
  readonly bundles = new Counter("aicr_bundles_total", "Bundles generated, by deployer and archive format.", []);
  readonly rss = new Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", () => process.memoryUsage().rss);
  readonly heap = new Gauge("aicr_js_heap_used_bytes", "JavaScript heap in use, in bytes.", () => process.memoryUsage().heapUsed);
  readonly startTime = new Gauge("process_start_time_seconds", "Start time of the process since the epoch, in seconds.");

  private readonly families: Family[] = [
    this.requests,
    this.duration,
    this.inFlight,
    this.rateLimitRejects,
    this.panics,
    this.timeouts,
    this.recipeBuild,
    this.cacheHits,
    this.cacheMisses,
    this.bundles,
    this.rss,
    this.heap,
    this.startTime,
  ];

  constructor(startSeconds = Math.floor(Date.now() / 1000)) {
    this.startTime.set(startSeconds);
  }

  /** The exposition text. */
  render(): string {
    const lines: string[] = [];
    for (const f of this.families) {
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
    }
    return `${lines.join("\n")}\n`;
  }
}
