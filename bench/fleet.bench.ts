/**
 * Fleet analysis benchmark (`aicr diff FLEET`): generated FleetSnapshots of 500 and 5,000 nodes, each
 * node with about 700 readings (GPU, kernel command line, sysctl, modules, release, three systemd units,
 * images, node facts, ClusterPolicy) and planted drift (an older driver on 1 % of the nodes, a missing
 * module on 2 %, per-node boot ids and counters). Measured in process, median of several runs:
 *
 *   parse    JSON.parse of the document text (the floor: merely parsing the snapshots)
 *   diff     what `aicr diff FLEET` does with the text: decode (parse + structure check) + analyse
 *
 * Targets: diff <= 2x parse at 5,000 nodes; diff time growth from 500 to 5,000 nodes <= 11x.
 */
import { analyseFleet } from "../core/diff/fleet.ts";
import { buildFleetSnapshot } from "../core/fleet/build.ts";
import { decodeFleetSnapshot } from "../core/fleet/document.ts";
import { serializeFleetSnapshot } from "../core/fleet/format.ts";
import type { Snapshot } from "../core/schema/snapshot.ts";
import { fmt, median } from "./harness.ts";

/** A deterministic pseudo-random sequence (the same fleet on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function nodeSnapshot(i: number, rand: () => number): Snapshot {
  const sysctl: Record<string, unknown> = {};
  for (let k = 0; k < 340; k++) sysctl[`/proc/sys/kernel/param_${k}`] = String(k * 7);
  sysctl["/proc/sys/kernel/osrelease"] = "6.8.0-1025-aws";
  sysctl["/proc/sys/kernel/random/boot_id"] = `boot-${i}-${Math.floor(rand() * 1e9)}`;
  for (let k = 0; k < 5; k++) sysctl[`/proc/sys/fs/counter_${k}`] = String(Math.floor(rand() * 1000));
  const kmod: Record<string, unknown> = {};
  for (let k = 0; k < 120; k++) kmod[`module_${k}`] = true;
  if (i % 50 === 7) delete kmod["module_3"];
  const units: { subtype: string; data: Record<string, unknown> }[] = ["containerd.service", "docker.service", "kubelet.service"].map((u) => {
    const data: Record<string, unknown> = {};
    for (let k = 0; k < 40; k++) data[`Property${k}`] = k % 3 === 0 ? k : `value-${k}`;
    return { subtype: u, data };
  });
  const images: Record<string, unknown> = {};
  for (let k = 0; k < 40; k++) images[`image-${k}`] = `v1.${k}.0`;
  const policy: Record<string, unknown> = {};
  for (let k = 0; k < 30; k++) policy[`section${k % 6}.key${k}`] = String(k % 2 === 0);
  const grub: Record<string, unknown> = {};
  for (let k = 0; k < 8; k++) grub[`opt${k}`] = k === 0 ? "/boot/vmlinuz-6.8.0-1025-aws" : "";
  return {
    kind: "Snapshot",
    apiVersion: "aicr.nvidia.com/v1alpha1",
    metadata: { "source-node": `node-${String(i).padStart(5, "0")}`, timestamp: "2026-03-21T10:00:00Z", version: "0.11.1" },
    measurements: [
      {
        type: "K8s",
        subtypes: [
          { subtype: "server", data: { version: "v1.33.5-eks-3025e55", platform: "linux/amd64", goVersion: "go1.24.1" } },
          { subtype: "image", data: images },
          { subtype: "policy", data: policy },
          { subtype: "node", data: { "kernel-version": "6.8.0-1025-aws", "os-image": "Ubuntu 24.04.2 LTS", "source-node": `node-${i}`, provider: "eks" } },
        ],
      },
      { type: "SystemD", subtypes: units },
      {
        type: "OS",
        subtypes: [
          { subtype: "grub", data: grub },
          { subtype: "sysctl", data: sysctl },
          { subtype: "kmod", data: kmod },
          { subtype: "release", data: { ID: "ubuntu", VERSION_ID: "24.04", NAME: "Ubuntu", PRETTY_NAME: "Ubuntu 24.04.2 LTS", VERSION_CODENAME: "noble" } },
        ],
      },
      {
        type: "GPU",
        subtypes: [
          {
            subtype: "smi",
            data: {
              driver: i % 100 === 42 ? "570.86.15" : "580.95.05",
              "cuda-version": "13.0",
              "gpu-count": 8,
              "gpu.model": "NVIDIA H100 80GB HBM3",
              "gpu.product-architecture": "Hopper",
              "gpu.vbios-version": "96.00.A5.00.01",
            },
          },
        ],
      },
    ],
  };
}

/** The JSON text of a generated fleet of `n` nodes, and its reading count. */
export function fleetText(n: number): { text: string; readings: number } {
  const rand = rng(n);
  const snapshots = Array.from({ length: n }, (_, i) => ({ node: `node-${String(i).padStart(5, "0")}`, snapshot: nodeSnapshot(i, rand) }));
  const readings = (snapshots[0]?.snapshot.measurements ?? []).reduce((sum, m) => sum + (m?.subtypes ?? []).reduce((s, st) => s + Object.keys(st.data ?? {}).length, 0), 0);
  const fleet = buildFleetSnapshot({ timestamp: "2026-03-21T10:00:00Z", version: "0.11.1", source: "bench", snapshots, failures: [] });
  return { text: serializeFleetSnapshot(fleet, "json"), readings };
}

function timeMs(fn: () => unknown): number {
  const t0 = Bun.nanoseconds();
  fn();
  return (Bun.nanoseconds() - t0) / 1e6;
}

interface Figures {
  parse: number;
  diff: number;
  decode: number;
  analyse: number;
}

/** Medians of `runs` interleaved runs of parse and diff on the same text. */
function measure(text: string, runs: number): Figures {
  const parse: number[] = [];
  const diff: number[] = [];
  const decode: number[] = [];
  const analyse: number[] = [];
  for (let r = 0; r < runs; r++) {
    Bun.gc(true);
    parse.push(timeMs(() => JSON.parse(text)));
    Bun.gc(true);
    let fleet;
    const t0 = Bun.nanoseconds();
    fleet = decodeFleetSnapshot(text, "fleet.json");
    const t1 = Bun.nanoseconds();
    analyseFleet(fleet);
    const t2 = Bun.nanoseconds();
    decode.push((t1 - t0) / 1e6);
    analyse.push((t2 - t1) / 1e6);
    diff.push((t2 - t0) / 1e6);
    fleet = undefined;
  }
  return { parse: median(parse), diff: median(diff), decode: median(decode), analyse: median(analyse) };
}

export async function benchFleet(): Promise<void> {
  const results: Record<number, Figures> = {};
  for (const [n, runs] of [
    [500, 9],
    [5000, 5],
  ] as const) {
    const { text, readings } = fleetText(n);
    measure(text, 1); // warm up
    const f = measure(text, runs);
    results[n] = f;
    console.log(`fleet of ${n} nodes x ${readings} readings (${(text.length / 1e6).toFixed(1)} MB JSON), median of ${runs}:`);
    console.log(`  parse (JSON.parse)         ${fmt(f.parse)}`);
    console.log(`  diff FLEET                 ${fmt(f.diff)}  (decode ${fmt(f.decode)} + analyse ${fmt(f.analyse)})`);
    console.log(`  diff / parse               ${(f.diff / f.parse).toFixed(2)}x${n === 5000 ? " (target <= 2x)" : ""}`);
  }
  const small = results[500] as Figures;
  const large = results[5000] as Figures;
  console.log(`growth 500 -> 5,000 nodes (10x): diff ${(large.diff / small.diff).toFixed(2)}x (target <= 11x), analyse alone ${(large.analyse / small.analyse).toFixed(2)}x`);
}

if (import.meta.main) await benchFleet();
