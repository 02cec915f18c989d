/**
 * GPU collector (`type: GPU`, subtype `smi`): runs `nvidia-smi -q -x` found on PATH under the host root
 * and turns its XML into readings. Without nvidia-smi, or when it fails or prints something unreadable,
 * the measurement says `gpu-count: 0` and the collector is marked skipped or failed.
 *
 * Readings: upstream's driver, cuda-version, gpu-count and `gpu.*` of the first GPU; beyond upstream,
 * `gpu.mig-mode` and per-GPU readings `gpu.<i>.*` (model, uuid, PCI bus id, memory, MIG mode and MIG
 * devices `gpu.<i>.mig.<j>.*`), so mixed or MIG-partitioned nodes are visible.
 */
import type { Measurement } from "../../core/schema/snapshot.ts";
import type { CollectContext, Collector, Readings } from "../collector.ts";
import { ExecError, firstLine } from "../exec.ts";
import { commandDirs, findCommand } from "../host.ts";
import { childOf, parseXml, textAt, type XmlElement } from "../xml.ts";

/** Time nvidia-smi may take: the collector deadline (30 s, design card; upstream used 10 s). The collector deadline still cuts it short. */
export const DEFAULT_NVIDIA_SMI_TIMEOUT_MS = 30_000;
/** Where GPU drivers put nvidia-smi outside PATH (GKE's driver installer on Container-Optimized OS). */
export const NVIDIA_SMI_EXTRA_DIRS: readonly string[] = ["/home/kubernetes/bin/nvidia/bin", "/usr/local/nvidia/bin"];

export interface GpuCollectorOptions {
  timeoutMs?: number;
}

/** The measurement of a node without a usable GPU. */
export const noGpuMeasurement = (): Measurement => ({ type: "GPU", subtypes: [{ subtype: "smi", data: { "gpu-count": 0 } }] });

/** First-GPU readings: key → element below `<gpu>`. */
const firstGpuFields: readonly [string, string][] = [
  ["gpu.model", "product_name"],
  ["gpu.product-architecture", "product_architecture"],
  ["gpu.display-mode", "display_mode"],
  ["gpu.display-active", "display_active"],
  ["gpu.persistence-mode", "persistence_mode"],
  ["gpu.addressing-mode", "addressing_mode"],
  ["gpu.vbios-version", "vbios_version"],
  ["gpu.gsp-firmware-version", "gsp_firmware_version"],
];

const migDevicesOf = (gpu: XmlElement) => childOf(gpu, "mig_devices")?.children.filter((c) => c.name === "mig_device") ?? [];
const trimmed = (s: string | undefined) => (s ?? "").trim();
/** A count or id as an integer reading when it is one (`42`), else the text (`N/A`). */
const intOrText = (s: string | undefined): number | string => (/^\d+$/.test(trimmed(s)) ? Number(trimmed(s)) : trimmed(s));

/** Readings of one GPU (`gpu.<index>.*`). */
function perGpuReadings(gpu: XmlElement, index: number): Readings {
  const p = `gpu.${index}`;
  const out: Readings = {
    [`${p}.model`]: trimmed(textAt(gpu, "product_name")),
    [`${p}.uuid`]: trimmed(textAt(gpu, "uuid")),
    [`${p}.pci-bus-id`]: trimmed(textAt(gpu, "pci", "pci_bus_id") ?? gpu.attributes["id"]),
    [`${p}.memory-total`]: trimmed(textAt(gpu, "fb_memory_usage", "total")),
    [`${p}.mig-mode`]: trimmed(textAt(gpu, "mig_mode", "current_mig")),
  };
  const migs = migDevicesOf(gpu);
  out[`${p}.mig-devices`] = migs.length;
  migs.forEach((m, j) => {
    const q = `${p}.mig.${j}`;
    out[`${q}.gpu-instance-id`] = intOrText(textAt(m, "gpu_instance_id"));
    out[`${q}.compute-instance-id`] = intOrText(textAt(m, "compute_instance_id"));
    out[`${q}.memory-total`] = trimmed(textAt(m, "fb_memory_usage", "total"));
    out[`${q}.multiprocessors`] = intOrText(textAt(m, "device_attributes", "shared", "multiprocessor_count"));
  });
  return out;
}

/** Readings of `nvidia-smi -q -x` output. Throws when the XML is malformed or attached_gpus is not a number. */
export function parseNvidiaSmi(xml: string): Readings {
  const root = parseXml(xml);
  const attached = textAt(root, "attached_gpus");
  if (attached !== undefined && attached.trim() !== "" && !/^[-+]?\d+$/.test(attached.trim())) {
    throw new Error(`attached_gpus is not a number: "${attached.trim()}"`);
  }
  const gpus = root.children.filter((c) => c.name === "gpu");
  const data: Readings = {
    driver: textAt(root, "driver_version") ?? "",
    "cuda-version": textAt(root, "cuda_version") ?? "",
    "gpu-count": gpus.length,
  };
  const first = gpus[0];
  if (first) {
    for (const [key, el] of firstGpuFields) data[key] = textAt(first, el) ?? "";
    data["gpu.mig-mode"] = trimmed(textAt(first, "mig_mode", "current_mig"));
  }
  gpus.forEach((g, i) => Object.assign(data, perGpuReadings(g, i)));
  return data;
}

export function gpuCollector(opts: GpuCollectorOptions = {}): Collector {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_NVIDIA_SMI_TIMEOUT_MS;
  return {
    name: "gpu",
    async collect(ctx: CollectContext) {
      const smi = await findCommand(ctx.hostRoot, "nvidia-smi", commandDirs(ctx.env["PATH"], NVIDIA_SMI_EXTRA_DIRS));
      if (smi === undefined) {
        ctx.degrade("skipped", `nvidia-smi not found on PATH under ${ctx.hostRoot}`);
        return noGpuMeasurement();
      }
      ctx.signal.throwIfAborted();
      let out;
      try {
        out = await ctx.exec(smi, ["-q", "-x"], { timeoutMs, signal: ctx.signal, env: ctx.env });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const timedOut = err instanceof ExecError && err.reason === "timeout";
        ctx.degrade(timedOut ? "timeout" : "failed", (err as Error).message);
        return noGpuMeasurement();
      }
      if (out.exitCode !== 0) {
        const why = firstLine(out.stderr) || firstLine(out.stdout);
        ctx.degrade("failed", `nvidia-smi exited with status ${out.exitCode}${why ? `: ${why}` : ""}`);
        return noGpuMeasurement();
      }
      try {
        return { type: "GPU", subtypes: [{ subtype: "smi", data: parseNvidiaSmi(out.stdout) }] };
      } catch (err) {
        ctx.degrade("failed", `cannot read nvidia-smi output: ${(err as Error).message}`);
        return noGpuMeasurement();
      }
    },
  };
}
