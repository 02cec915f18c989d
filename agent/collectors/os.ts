/**
 * OS collector (`type: OS`): the kernel command line (`grub`), every kernel parameter under /proc/sys
 * except networking (`sysctl`), loaded modules (`kmod`) and the distribution's os-release (`release`).
 * Sub-collectors run one after another; a missing source file leaves its subtype out silently, any other
 * failure leaves it out and marks the measurement as failed.
 */
import type { Subtype } from "../../core/schema/snapshot.ts";
import type { CollectContext, Collector, Readings } from "../collector.ts";
import { parseLines, parseMap } from "../file-parser.ts";
import { filterOut } from "../key-filter.ts";
import { hostPathExists, isNotFound, listDir, readHostText, readTextFile, resolveHostPath } from "../host.ts";

/** Where the sysctl walk starts, and the subtree it leaves out (network parameters are per namespace). */
export const SYSCTL_ROOT = "/proc/sys";
export const SYSCTL_EXCLUDED = "/proc/sys/net";
/** Keys dropped after the walk. */
export const SYSCTL_FILTER: readonly string[] = ["/proc/sys/dev/cdrom/*"];
/** Kernel command line keys dropped (the root device). */
export const GRUB_FILTER: readonly string[] = ["root"];

const abortIfDone = (ctx: CollectContext) => ctx.signal.throwIfAborted();

export async function collectGrub(ctx: CollectContext): Promise<Readings> {
  const text = await readHostText(ctx.hostRoot, "/proc/cmdline");
  return filterOut(parseMap(text, { delimiter: " " }), GRUB_FILTER);
}

/** A sysctl file's readings: one per line for `name value` tables, else the whole (trimmed) text. */
export function sysctlReadings(path: string, text: string): Readings {
  const lines = parseLines(text);
  const fields = lines.map((l) => l.split(/\s+/));
  if (lines.length > 1 && fields.every((f) => f.length >= 2)) {
    const out: Readings = {};
    for (const f of fields) out[`${path}/${f[0]}`] = f.slice(1).join(" ");
    return out;
  }
  return { [path]: lines.join("\n") };
}

export async function collectSysctl(ctx: CollectContext): Promise<Readings> {
  const out: Readings = {};
  const base = await resolveHostPath(ctx.hostRoot, SYSCTL_ROOT);
  const walk = async (real: string, hostPath: string): Promise<void> => {
    const entries = (await listDir(real)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      abortIfDone(ctx);
      const childHost = `${hostPath}/${e.name}`;
      if (childHost === SYSCTL_EXCLUDED || childHost.startsWith(`${SYSCTL_EXCLUDED}/`)) continue;
      const childReal = `${real}/${e.name}`;
      if (e.isDirectory()) {
        await walk(childReal, childHost);
        continue;
      }
      if (e.isSymbolicLink() || !e.isFile()) continue;
      let text: string;
      try {
        text = await readTextFile(childReal);
      } catch {
        continue; // write-only, too large or not text: not a readable parameter
      }
      Object.assign(out, sysctlReadings(childHost, text));
    }
  };
  await walk(base, SYSCTL_ROOT);
  return filterOut(out, SYSCTL_FILTER);
}

export async function collectKmod(ctx: CollectContext): Promise<Readings> {
  const out: Readings = {};
  for (const line of parseLines(await readHostText(ctx.hostRoot, "/proc/modules"))) {
    const name = line.split(/\s+/)[0];
    if (name) out[name] = true;
  }
  return out;
}

export async function collectRelease(ctx: CollectContext): Promise<Readings> {
  const path = (await hostPathExists(ctx.hostRoot, "/etc/os-release")) ? "/etc/os-release" : "/usr/lib/os-release";
  return parseMap(await readHostText(ctx.hostRoot, path), { valueTrimChars: `"'`, skipEmptyValues: true });
}

const subCollectors: readonly [string, (ctx: CollectContext) => Promise<Readings>][] = [
  ["grub", collectGrub],
  ["sysctl", collectSysctl],
  ["kmod", collectKmod],
  ["release", collectRelease],
];

export function osCollector(): Collector {
  return {
    name: "os",
    async collect(ctx) {
      abortIfDone(ctx);
      const subtypes: Subtype[] = [];
      for (const [name, run] of subCollectors) {
        abortIfDone(ctx);
        try {
          subtypes.push({ subtype: name, data: await run(ctx) });
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          if (isNotFound(err)) continue;
          ctx.degrade("failed", `${name}: ${(err as Error).message}`);
        }
      }
      return { type: "OS", subtypes };
    },
  };
}
