/** Reading the Prometheus text exposition format far enough to count metric families and GPUs. */

export interface MetricsSummary {
  /** Metric names with at least one sample. */
  families: Set<string>;
  /** Distinct GPUs among the samples (UUID label, else gpu index label). */
  gpus: Set<string>;
  samples: number;
}

const sampleRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/;
const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Families and GPUs of the samples whose names start with `prefix`. */
export function summarizeMetrics(text: string, prefix: string): MetricsSummary {
  const out: MetricsSummary = { families: new Set(), gpus: new Set(), samples: 0 };
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = sampleRe.exec(line.trim());
    if (!m || !m[1]!.startsWith(prefix)) continue;
    out.samples++;
    out.families.add(m[1]!);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(labelRe)) labels[l[1]!] = l[2]!;
    const gpu = labels["UUID"] ?? labels["uuid"] ?? labels["gpu"];
    if (gpu !== undefined) out.gpus.add(gpu);
  }
  return out;
}
