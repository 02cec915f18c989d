/**
 * The collector contract: one source of measurements (OS files, nvidia-smi, systemd, the Kubernetes API)
 * behind a common interface, the context every collector runs with, and the factory that builds the
 * default set. Collectors written elsewhere (Kubernetes, NodeTopology) are passed in, not imported.
 */
import { internal } from "../core/errors.ts";
import type { Measurement, MeasurementType } from "../core/schema/snapshot.ts";
import type { Exec } from "./exec.ts";

/** A scalar reading. Integers are JS numbers, or bigints beyond 2^53 (systemd limits up to 2^64-1). */
export type Reading = string | number | boolean | bigint;
export type Readings = Record<string, Reading>;

/** Process environment as collectors see it (node name, PATH for command lookup, child environment). */
export type Env = Readonly<Record<string, string | undefined>>;

/** How a collector ended, as recorded in the snapshot's `status`. */
export type CollectorState = "ok" | "failed" | "timeout" | "skipped";
/** A measurement that is still returned but incomplete: its source is absent, failed or too slow. */
export type DegradedState = Exclude<CollectorState, "ok">;

export interface CollectContext {
  /** Directory that stands for the host's `/`: every file read and command lookup happens under it. */
  readonly hostRoot: string;
  /** Aborted when the collector's deadline passes or the snapshot is cancelled; child processes die with it. */
  readonly signal: AbortSignal;
  /** Runs a command (already resolved under the host root); honours `signal`. */
  readonly exec: Exec;
  readonly env: Env;
  /** Clock, injectable for tests. */
  readonly now: () => Date;
  /**
   * Mark the returned measurement as incomplete (e.g. nvidia-smi missing or failing). The worst state
   * reported wins; the reasons are joined into the status entry's `error`.
   */
  degrade(state: DegradedState, reason: string): void;
}

export interface Collector {
  /** Short name used in `status` and messages: `os`, `gpu`, `systemd`, `k8s`, `topology`. */
  readonly name: string;
  /** The collector's own deadline in ms; an explicit snapshot timeout overrides it. */
  readonly timeoutMs?: number;
  /** One measurement, or a rejection (the measurement is then left out of the snapshot). */
  collect(ctx: CollectContext): Promise<Measurement>;
}

/** Order in which measurements appear in a snapshot (upstream's launch order, made deterministic). */
export const measurementOrder: readonly MeasurementType[] = ["K8s", "SystemD", "OS", "GPU", "NodeTopology"];

/** Order of collectors in `status` (same launch order, by collector name). */
export const collectorOrder: readonly string[] = ["k8s", "systemd", "os", "gpu", "topology"];

export interface CollectorOptions {
  /** systemd units to read (default containerd, docker and kubelet). */
  systemdUnits?: readonly string[];
  /** Leave out the GPU collector (nodes known to have no GPU). */
  skipGpu?: boolean;
  /** Further collectors (Kubernetes, NodeTopology, ...); placed by name in launch order. */
  extra?: readonly Collector[];
}

const rank = (c: Collector) => {
  const i = collectorOrder.indexOf(c.name);
  return i < 0 ? collectorOrder.length : i;
};

/** Put collectors in launch order; unknown names keep their relative order after the known ones. */
export function orderCollectors(collectors: readonly Collector[]): Collector[] {
  return collectors.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
}

/** The default collectors (SystemD, OS, GPU) plus any extra ones, in launch order. Modules load lazily. */
export async function createCollectors(opts: CollectorOptions = {}): Promise<Collector[]> {
  const [{ systemdCollector }, { osCollector }] = await Promise.all([
    import("./collectors/systemd.ts"),
    import("./collectors/os.ts"),
  ]);
  const list: Collector[] = [systemdCollector({ units: opts.systemdUnits }), osCollector()];
  if (!opts.skipGpu) {
    const { gpuCollector } = await import("./collectors/gpu.ts");
    list.push(gpuCollector());
  }
  const names = new Set(list.map((c) => c.name));
  for (const c of opts.extra ?? []) {
    if (names.has(c.name)) throw internal(`two collectors are named "${c.name}"`);
    names.add(c.name);
    list.push(c);
  }
  return orderCollectors(list);
}
