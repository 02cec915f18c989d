/**
 * A fleet on its own: for each reading the distribution of values across nodes and the outlier nodes
 * (those that differ from the majority, absence included), on the planted fixture fleet and on small
 * built fleets; readings without a majority; the distribution cap; determinism; the table.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyseFleet, DISTRIBUTION_LIMIT, fleetHasDrift } from "../../core/diff/fleet.ts";
import { fleetTable } from "../../core/diff/table.ts";
import { decodeFleetSnapshot } from "../../core/fleet/document.ts";
import type { FleetSnapshot } from "../../core/schema/fleet-snapshot.ts";
import { baselineReadings, fleetOf } from "./helpers.ts";

const FIXTURE = join(import.meta.dir, "..", "fixtures", "fleet", "h100-fleet.yaml");
const fixture = () => decodeFleetSnapshot(readFileSync(FIXTURE, "utf8"), FIXTURE);

describe("the planted fixture fleet", () => {
  const a = analyseFleet(fixture(), { source: "h100-fleet.yaml" });

  test("summary: 4 nodes analysed, 1 failed, 13 readings of which 8 uniform", () => {
    expect(a.source).toBe("h100-fleet.yaml");
    expect(a.summary).toEqual({ nodes: 4, failed: 1, readings: 13, uniform: 8, withOutliers: 4, withoutMajority: 1, outlierNodes: 2 });
    expect(fleetHasDrift(a)).toBe(true);
  });

  test("the failed node is listed, not analysed", () => {
    expect(a.failures).toEqual([{ node: "gpu-node-5", state: "unreachable", reason: "ssh: connect to host gpu-node-5 port 22: Connection refused" }]);
  });

  test("each planted difference: distribution, majority and the outlier node with its value", () => {
    const by = Object.fromEntries(a.readings.map((r) => [r.path, r]));
    expect(by["GPU.smi.driver"]).toEqual({
      path: "GPU.smi.driver",
      area: "driver",
      distinct: 2,
      majority: { value: "580.95.05", count: 3 },
      distribution: [
        { value: "580.95.05", count: 3 },
        { value: "570.86.15", count: 1 },
      ],
      outliers: [{ node: "gpu-node-3", value: "570.86.15" }],
    });
    expect(by["OS.sysctl./proc/sys/vm/swappiness"]?.outliers).toEqual([{ node: "gpu-node-2", value: "10" }]);
    expect(by["OS.sysctl./proc/sys/kernel/osrelease"]).toMatchObject({ area: "kernel", outliers: [{ node: "gpu-node-3", value: "5.15.0-1050-aws" }] });
    expect(by["OS.kmod.nvidia_peermem"]).toEqual({
      path: "OS.kmod.nvidia_peermem",
      area: "modules",
      distinct: 2,
      majority: { value: "true", count: 3 },
      distribution: [
        { value: "true", count: 3 },
        { absent: true, count: 1 },
      ],
      outliers: [{ node: "gpu-node-3", absent: true }],
    });
  });

  test("a per-node reading (boot_id) has no majority and names no outliers", () => {
    const r = a.readings.find((x) => x.path === "OS.sysctl./proc/sys/kernel/random/boot_id");
    expect(r?.majority).toBeUndefined();
    expect(r?.outliers).toEqual([]);
    expect(r?.distinct).toBe(4);
    expect(r?.distribution.map((d) => d.count)).toEqual([1, 1, 1, 1]);
  });

  test("outlier nodes, most outlying readings first", () => {
    expect(a.nodes).toEqual([
      { node: "gpu-node-3", outliers: 3 },
      { node: "gpu-node-2", outliers: 1 },
    ]);
  });

  test("readings are listed by path", () => {
    const paths = a.readings.map((r) => r.path);
    expect(paths).toEqual([...paths].sort());
  });

  test("table: failed nodes, readings with outliers, readings without a majority, outlier nodes, DRIFT DETECTED", () => {
    const t = fleetTable(a);
    expect(t.split("\n")[0]).toBe("FLEET (4 nodes, 1 failed): 13 readings, 8 uniform, 4 with outliers, 1 without a majority");
    expect(t).toContain("\nFAILED NODES\nNODE        STATE        REASON\n");
    expect(t).toContain("\nGPU.smi.driver                        driver   580.95.05       3/4    gpu-node-3 (570.86.15)\n");
    expect(t).toContain("OS.kmod.nvidia_peermem                modules  true            3/4    gpu-node-3 (-)\n");
    expect(t).toContain("\nOUTLIER NODES\nNODE        READINGS\n----        --------\ngpu-node-3  3\ngpu-node-2  1\n");
    expect(t.endsWith("\nDRIFT DETECTED\n")).toBe(true);
  });
});

describe("built fleets", () => {
  test("a uniform fleet has no readings to report and no drift", () => {
    const a = analyseFleet(fleetOf({ a: baselineReadings, b: baselineReadings, c: baselineReadings }));
    expect(a.readings).toEqual([]);
    expect(a.summary).toMatchObject({ nodes: 3, readings: Object.keys(baselineReadings).length, uniform: Object.keys(baselineReadings).length, outlierNodes: 0 });
    expect(fleetHasDrift(a)).toBe(false);
    expect(fleetTable(a).endsWith("\nNO DRIFT\n")).toBe(true);
  });

  test("when most nodes lack a reading, absence is the majority and the node that has it is the outlier", () => {
    const a = analyseFleet(fleetOf({ a: { "OS|kmod|nvidia": true }, b: { "OS|kmod|nvidia": true }, c: { "OS|kmod|nvidia": true, "OS|kmod|zfs": true } }));
    expect(a.readings).toEqual([
      {
        path: "OS.kmod.zfs",
        area: "modules",
        distinct: 2,
        majority: { absent: true, count: 2 },
        distribution: [
          { absent: true, count: 2 },
          { value: "true", count: 1 },
        ],
        outliers: [{ node: "c", value: "true" }],
      },
    ]);
  });

  test("two nodes that disagree: no majority, no outliers", () => {
    const a = analyseFleet(fleetOf({ a: { "GPU|smi|driver": "1" }, b: { "GPU|smi|driver": "2" } }));
    expect(a.summary).toMatchObject({ withOutliers: 0, withoutMajority: 1, outlierNodes: 0 });
    expect(a.readings[0]?.outliers).toEqual([]);
  });

  test(`at most ${DISTRIBUTION_LIMIT} values are listed, the rest counted`, () => {
    const nodes: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < 15; i++) nodes[`n${String(i).padStart(2, "0")}`] = { "OS|sysctl|/proc/sys/kernel/random/boot_id": `id-${i}` };
    const r = analyseFleet(fleetOf(nodes)).readings[0];
    expect(r?.distinct).toBe(15);
    expect(r?.distribution.length).toBe(DISTRIBUTION_LIMIT);
    expect(r?.otherValues).toBe(15 - DISTRIBUTION_LIMIT);
    expect(r?.distribution[0]).toEqual({ value: "id-0", count: 1 });
  });

  test("values are compared as text, as snapshot drift compares them", () => {
    const a = analyseFleet(fleetOf({ a: { "GPU|smi|gpu-count": 8 }, b: { "GPU|smi|gpu-count": "8" }, c: { "GPU|smi|gpu-count": 8 } }));
    expect(a.readings).toEqual([]);
  });

  test("a later duplicate measurement on a node replaces the earlier one", () => {
    const fleet = fleetOf({ a: { "GPU|smi|driver": "1" }, b: { "GPU|smi|driver": "1" }, c: { "GPU|smi|driver": "1" } });
    (fleet.nodes["c"]?.measurements ?? []).push({ type: "GPU", subtypes: [{ subtype: "smi", data: { driver: "2" } }] });
    const a = analyseFleet(fleet);
    expect(a.readings[0]?.outliers).toEqual([{ node: "c", value: "2" }]);
    expect(a.readings[0]?.distribution).toEqual([
      { value: "1", count: 2 },
      { value: "2", count: 1 },
    ]);
  });

  test("the result does not depend on the order of the nodes in the document", () => {
    const nodes = { b: { "GPU|smi|driver": "1" }, c: { "GPU|smi|driver": "2" }, a: { "GPU|smi|driver": "1" } };
    const f1 = fleetOf(nodes);
    const f2: FleetSnapshot = { ...f1, nodes: Object.fromEntries(Object.entries(f1.nodes).reverse()) };
    expect(analyseFleet(f2)).toEqual(analyseFleet(f1));
  });

  test("an empty fleet", () => {
    const a = analyseFleet(fleetOf({}, [{ node: "x", state: "timeout", reason: "no snapshot within 5m" }]));
    expect(a.summary).toEqual({ nodes: 0, failed: 1, readings: 0, uniform: 0, withOutliers: 0, withoutMajority: 0, outlierNodes: 0 });
  });
});
