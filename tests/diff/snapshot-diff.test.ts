/**
 * Snapshot against snapshot: planted differences in every area, in both directions; upstream's
 * algorithm (types and subtypes on one side only, later duplicates win, readings compared as text,
 * nil as `<nil>`, paths sorted byte-wise); the per-area counts; and the human table.
 */
import { describe, expect, test } from "bun:test";
import { areaOf, readingText } from "../../core/diff/readings.ts";
import { diffSnapshots } from "../../core/diff/snapshot.ts";
import { cellText, snapshotDiffTable } from "../../core/diff/table.ts";
import type { Change } from "../../core/diff/change.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import { baselineReadings, snapshotOf } from "./helpers.ts";

/** The baseline with one planted difference per area (and one of each kind across them). */
const targetReadings: Record<string, unknown> = { ...baselineReadings };
targetReadings["GPU|smi|driver"] = "570.86.15"; // driver: modified
targetReadings["OS|grub|BOOT_IMAGE"] = "/boot/vmlinuz-5.15.0-1050-aws"; // kernel: modified
targetReadings["OS|sysctl|/proc/sys/kernel/osrelease"] = "5.15.0-1050-aws"; // kernel: modified
targetReadings["OS|sysctl|/proc/sys/vm/dirty_ratio"] = "20"; // sysctl: added
delete targetReadings["OS|kmod|nvidia_peermem"]; // modules: removed
targetReadings["SystemD|containerd.service|ActiveState"] = "failed"; // units: modified
targetReadings["K8s|image|nvidia-dcgm-exporter"] = "4.1.1"; // images: added
delete targetReadings["K8s|image|pause"]; // images: removed
targetReadings["OS|release|VERSION_ID"] = "22.04"; // os: modified
targetReadings["K8s|server|version"] = "v1.34.1-eks-3025e55"; // kubernetes: modified
targetReadings["NodeTopology|summary|node-count"] = 5; // topology: modified

const baseline = snapshotOf(baselineReadings);
const target = snapshotOf(targetReadings);

const expectedForward: Change[] = [
  { kind: "modified", severity: "info", path: "GPU.smi.driver", area: "driver", baseline: "580.95.05", target: "570.86.15" },
  { kind: "added", severity: "info", path: "K8s.image.nvidia-dcgm-exporter", area: "images", target: "4.1.1" },
  { kind: "removed", severity: "info", path: "K8s.image.pause", area: "images", baseline: "3.9" },
  { kind: "modified", severity: "info", path: "K8s.server.version", area: "kubernetes", baseline: "v1.33.5-eks-3025e55", target: "v1.34.1-eks-3025e55" },
  { kind: "modified", severity: "info", path: "NodeTopology.summary.node-count", area: "topology", baseline: "4", target: "5" },
  { kind: "modified", severity: "info", path: "OS.grub.BOOT_IMAGE", area: "kernel", baseline: "/boot/vmlinuz-6.8.0-1025-aws", target: "/boot/vmlinuz-5.15.0-1050-aws" },
  { kind: "removed", severity: "info", path: "OS.kmod.nvidia_peermem", area: "modules", baseline: "true" },
  { kind: "modified", severity: "info", path: "OS.release.VERSION_ID", area: "os", baseline: "24.04", target: "22.04" },
  { kind: "modified", severity: "info", path: "OS.sysctl./proc/sys/kernel/osrelease", area: "kernel", baseline: "6.8.0-1025-aws", target: "5.15.0-1050-aws" },
  { kind: "added", severity: "info", path: "OS.sysctl./proc/sys/vm/dirty_ratio", area: "sysctl", target: "20" },
  { kind: "modified", severity: "info", path: "SystemD.containerd.service.ActiveState", area: "units", baseline: "active", target: "failed" },
];

describe("planted differences in every area", () => {
  test("baseline -> target: each planted difference, once, sorted by path", () => {
    const d = diffSnapshots(baseline, target, { baseline: "before.yaml", target: "after.yaml" });
    expect(d.changes).toEqual(expectedForward);
    expect(d.summary).toEqual({ added: 2, removed: 2, modified: 7, total: 11 });
    expect(d.baselineSource).toBe("before.yaml");
    expect(d.targetSource).toBe("after.yaml");
  });

  test("areas are counted in report order: driver, kernel, sysctl, modules, units, images, os, kubernetes, topology", () => {
    const d = diffSnapshots(baseline, target);
    expect(d.areas).toEqual([
      { area: "driver", added: 0, removed: 0, modified: 1, total: 1 },
      { area: "kernel", added: 0, removed: 0, modified: 2, total: 2 },
      { area: "sysctl", added: 1, removed: 0, modified: 0, total: 1 },
      { area: "modules", added: 0, removed: 1, modified: 0, total: 1 },
      { area: "units", added: 0, removed: 0, modified: 1, total: 1 },
      { area: "images", added: 1, removed: 1, modified: 0, total: 2 },
      { area: "os", added: 0, removed: 0, modified: 1, total: 1 },
      { area: "kubernetes", added: 0, removed: 0, modified: 1, total: 1 },
      { area: "topology", added: 0, removed: 0, modified: 1, total: 1 },
    ]);
  });

  test("target -> baseline: the same paths, added and removed swap, modified sides swap", () => {
    const d = diffSnapshots(target, baseline);
    const mirror = (c: Change): Change => {
      const kind = c.kind === "added" ? "removed" : c.kind === "removed" ? "added" : "modified";
      const out: Change = { kind, severity: "info", path: c.path, area: c.area };
      if (c.target !== undefined) out.baseline = c.target;
      if (c.baseline !== undefined) out.target = c.baseline;
      return out;
    };
    expect(d.changes).toEqual(expectedForward.map(mirror));
    expect(d.summary).toEqual({ added: 2, removed: 2, modified: 7, total: 11 });
  });

  test("a snapshot against itself has no changes and no areas; sources are left out when not given", () => {
    const d = diffSnapshots(baseline, snapshotOf(baselineReadings));
    expect(d).toEqual({ changes: [], summary: { added: 0, removed: 0, modified: 0, total: 0 }, areas: [] });
  });
});

describe("upstream's algorithm", () => {
  test("a type present on one side only gives one change per reading", () => {
    const a = snapshotOf({ "OS|release|ID": "ubuntu" });
    const b = snapshotOf({ "OS|release|ID": "ubuntu", "GPU|smi|driver": "580.95.05", "GPU|smi|gpu-count": 8 });
    expect(diffSnapshots(a, b).changes.map((c) => [c.kind, c.path, c.target])).toEqual([
      ["added", "GPU.smi.driver", "580.95.05"],
      ["added", "GPU.smi.gpu-count", "8"],
    ]);
    expect(diffSnapshots(b, a).changes.map((c) => [c.kind, c.path, c.baseline])).toEqual([
      ["removed", "GPU.smi.driver", "580.95.05"],
      ["removed", "GPU.smi.gpu-count", "8"],
    ]);
  });

  test("a subtype present on one side only gives one change per reading; an empty one gives none", () => {
    const a: Snapshot = { kind: "Snapshot", measurements: [{ type: "SystemD", subtypes: [{ subtype: "kubelet.service", data: {} }] }] };
    const b = snapshotOf({ "SystemD|containerd.service|ActiveState": "active", "SystemD|containerd.service|SubState": "running" });
    expect(diffSnapshots(a, b).changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      "added SystemD.containerd.service.ActiveState",
      "added SystemD.containerd.service.SubState",
    ]);
  });

  test("a later duplicate type replaces the earlier one, and a later duplicate subtype the earlier one", () => {
    const dup: Snapshot = {
      kind: "Snapshot",
      measurements: [
        { type: "GPU", subtypes: [{ subtype: "smi", data: { driver: "1" } }] },
        {
          type: "GPU",
          subtypes: [
            { subtype: "smi", data: { driver: "2", stale: "x" } },
            { subtype: "smi", data: { driver: "3" } },
          ],
        },
      ],
    };
    expect(diffSnapshots(dup, snapshotOf({ "GPU|smi|driver": "3" })).changes).toEqual([]);
  });

  test("readings are compared by their text: 8 and \"8\" are equal, null is <nil>, maps and lists print as Go does", () => {
    const a = snapshotOf({ "GPU|smi|gpu-count": 8, "K8s|server|goVersion": null, "X|y|m": { b: 1, a: "x" }, "X|y|l": [1, 2], "X|y|f": 0.5 });
    const b = snapshotOf({ "GPU|smi|gpu-count": "8", "K8s|server|goVersion": "<nil>", "X|y|m": "map[a:x b:1]", "X|y|l": "[1 2]", "X|y|f": "0.5" });
    expect(diffSnapshots(a, b).changes).toEqual([]);
    expect(readingText(0.000015)).toBe("1.5e-05");
    expect(readingText(1e6)).toBe("1000000"); // an integer (YAML cannot tell 1e6 from 1000000 once read)
    expect(readingText(true)).toBe("true");
    expect(readingText(18446744073709551615n)).toBe("18446744073709551615");
  });

  test("an empty string differs from a missing reading and from <nil>", () => {
    const a = snapshotOf({ "OS|grub|ro": "" });
    expect(diffSnapshots(a, snapshotOf({ "OS|grub|ro": null })).changes).toEqual([
      { kind: "modified", severity: "info", path: "OS.grub.ro", area: "kernel", baseline: "", target: "<nil>" },
    ]);
    expect(diffSnapshots(a, snapshotOf({ "OS|grub|quiet": "" })).summary).toEqual({ added: 1, removed: 1, modified: 0, total: 2 });
  });

  test("paths sort byte-wise (upper case before lower case), whatever order the measurements come in", () => {
    const a = snapshotOf({ "SystemD|a|k": "1", "OS|z|k": "1", "K8s|a|k": "1", "GPU|smi|b": "1", "GPU|smi|B": "1" });
    const d = diffSnapshots(a, snapshotOf({}));
    expect(d.changes.map((c) => c.path)).toEqual(["GPU.smi.B", "GPU.smi.b", "K8s.a.k", "OS.z.k", "SystemD.a.k"]);
  });

  test("areas of readings", () => {
    expect(areaOf("K8s", "policy", "driver.version")).toBe("driver");
    expect(areaOf("K8s", "policy", "toolkit.enabled")).toBe("kubernetes");
    expect(areaOf("K8s", "node", "kernel-version")).toBe("kernel");
    expect(areaOf("K8s", "node", "os-image")).toBe("os");
    expect(areaOf("OS", "sysctl", "/proc/sys/kernel/version")).toBe("kernel");
    expect(areaOf("OS", "sysctl", "/proc/sys/kernel/pid_max")).toBe("sysctl");
    expect(areaOf("Custom", "x", "y")).toBe("other");
  });
});

describe("table", () => {
  test("no changes: NO CHANGES", () => {
    expect(snapshotDiffTable(diffSnapshots(baseline, baseline))).toBe("NO CHANGES\n");
  });

  test("upstream's layout: header, by-area line, aligned columns, dashed row, upper-case kinds, - for a missing side, DRIFT DETECTED", () => {
    const a = snapshotOf({ "OS|grub|ro": "", "GPU|smi|driver": "580.95.05" });
    const b = snapshotOf({ "OS|grub|quiet": "", "GPU|smi|driver": "570.86.15" });
    expect(snapshotDiffTable(diffSnapshots(a, b))).toBe(
      [
        "CHANGES (1 added, 1 removed, 1 modified)",
        "by area: driver 1, kernel 2",
        "KIND      PATH            BASELINE   TARGET",
        "----      ----            --------   ------",
        "MODIFIED  GPU.smi.driver  580.95.05  570.86.15",
        'ADDED     OS.grub.quiet   -          ""',
        'REMOVED   OS.grub.ro      ""         -',
        "",
        "DRIFT DETECTED",
        "",
      ].join("\n"),
    );
  });

  test("a line break inside a value stays on its row", () => {
    expect(cellText("file\npipe")).toBe("file\\npipe");
  });
});
