/**
 * SystemD collector (`type: SystemD`, one subtype per unit): the properties of the container runtime and
 * kubelet units. Upstream asks systemd over its private D-Bus socket; the agent has no D-Bus client, so it
 * runs the host's `systemctl show <unit>` and reads its `Key=Value` lines.
 *
 * Values: `yes`/`no` become booleans and decimal integers numbers (bigints beyond 2^53); everything else,
 * including systemctl's rendering of lists, timestamps and `infinity`, stays text. Without systemctl the
 * measurement has no subtypes; a unit systemctl cannot show is left out.
 */
import type { Subtype } from "../../core/schema/snapshot.ts";
import type { CollectContext, Collector, Reading, Readings } from "../collector.ts";
import { ExecError, firstLine } from "../exec.ts";
import { commandDirs, findCommand } from "../host.ts";
import { filterOut } from "../key-filter.ts";

/** Units read when none are configured. */
export const DEFAULT_SYSTEMD_UNITS: readonly string[] = ["containerd.service", "docker.service", "kubelet.service"];
/** Time one `systemctl show` may take. */
export const DEFAULT_SYSTEMCTL_TIMEOUT_MS = 5_000;
/** Properties left out (host-specific noise and credentials), as upstream. */
export const SYSTEMD_FILTER: readonly string[] = ["AllowedCPUs", "AllowedMemoryNodes", "Asserts", "BPFProgram", "BusName", "Id", "*Credential*"];

export interface SystemdCollectorOptions {
  /** Units to read; an empty list means `containerd.service`. */
  units?: readonly string[];
  timeoutMs?: number;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A property value as a reading. */
export function systemdValue(raw: string): Reading {
  if (raw === "yes") return true;
  if (raw === "no") return false;
  if (/^-?(0|[1-9]\d*)$/.test(raw)) {
    const n = BigInt(raw);
    return n > SAFE || n < -SAFE ? n : Number(n);
  }
  return raw;
}

/**
 * Readings of `systemctl show` output: `Key=Value` per line, split at the first `=`. A property printed
 * on several lines (one per list entry, e.g. `EnvironmentFiles`, `ExecStartPre`) is joined with spaces.
 */
export function parseSystemctlShow(text: string): Readings {
  const raw = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at <= 0) continue;
    const key = line.slice(0, at);
    const value = line.slice(at + 1);
    const prev = raw.get(key);
    raw.set(key, prev === undefined ? value : `${prev} ${value}`);
  }
  const out: Readings = {};
  for (const [k, v] of raw) out[k] = systemdValue(v);
  return filterOut(out, SYSTEMD_FILTER);
}

/** `a: why; b: why` → `a, b: why` (units failing for the same reason share one message). */
function groupByReason(problems: readonly { unit: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const p of problems) byReason.set(p.reason, [...(byReason.get(p.reason) ?? []), p.unit]);
  return [...byReason].map(([reason, units]) => `${units.join(", ")}: ${reason}`).join("; ");
}

export function systemdCollector(opts: SystemdCollectorOptions = {}): Collector {
  const units = opts.units === undefined ? DEFAULT_SYSTEMD_UNITS : opts.units.length === 0 ? ["containerd.service"] : opts.units;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SYSTEMCTL_TIMEOUT_MS;
  return {
    name: "systemd",
    async collect(ctx: CollectContext) {
      const systemctl = await findCommand(ctx.hostRoot, "systemctl", commandDirs(ctx.env["PATH"]));
      if (systemctl === undefined) {
        ctx.degrade("skipped", `systemctl not found on PATH under ${ctx.hostRoot}`);
        return { type: "SystemD", subtypes: [] };
      }
      const subtypes: Subtype[] = [];
      const refused: { unit: string; reason: string }[] = []; // systemctl ran but could not show the unit
      const broken: { unit: string; reason: string }[] = []; // systemctl did not run to completion
      let timedOut = false;
      for (const unit of units) {
        ctx.signal.throwIfAborted();
        try {
          const r = await ctx.exec(systemctl, ["show", "--no-pager", "--", unit], { timeoutMs, signal: ctx.signal, env: ctx.env });
          const data = r.exitCode === 0 ? parseSystemctlShow(r.stdout) : {};
          if (Object.keys(data).length === 0) {
            const why = firstLine(r.stderr);
            refused.push({ unit, reason: `systemctl show exited with status ${r.exitCode}${why ? `: ${why}` : ""}` });
            continue;
          }
          subtypes.push({ subtype: unit, data });
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          if (err instanceof ExecError && err.reason === "timeout") timedOut = true;
          broken.push({ unit, reason: (err as Error).message });
        }
      }
      const problems = groupByReason([...broken, ...refused]);
      if (broken.length > 0) ctx.degrade(timedOut ? "timeout" : "failed", problems);
      // No unit at all: systemd is not reachable from here (upstream without D-Bus), not a failure.
      else if (refused.length > 0) ctx.degrade(subtypes.length === 0 ? "skipped" : "failed", problems);
      return { type: "SystemD", subtypes };
    },
  };
}
