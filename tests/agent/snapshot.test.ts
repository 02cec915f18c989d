import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { AicrError, exitCodeFor } from "../../core/errors.ts";
import { parseYaml } from "../../core/yaml.ts";
import type { Measurement } from "../../core/schema/snapshot.ts";
import { createCollectors, type Collector } from "../../agent/collector.ts";
import { serializeSnapshot } from "../../agent/snapshot-format.ts";
import { DEFAULT_COLLECTOR_TIMEOUT_MS, takeSnapshot, type SnapshotDocument } from "../../agent/snapshot.ts";
import { dataOf, envWith, exists, host, expectAllDead, pidsIn, tempDir } from "./helpers.ts";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

const fixed = (type: Measurement["type"], name: string, data: Record<string, unknown> = { k: "v" }): Collector => ({
  name,
  collect: async () => ({ type, subtypes: [{ subtype: "s", data }] }),
});
const NOW = () => new Date("2026-01-03T10:30:05.789Z");
const typesOf = (doc: SnapshotDocument) => doc.measurements.map((m) => m.type);

describe("snapshot document", () => {
  test("header, metadata and measurements in a fixed order whatever the completion order", async () => {
    const slow = (type: Measurement["type"], name: string, ms: number): Collector => ({
      name,
      collect: async () => {
        await Bun.sleep(ms);
        return { type, subtypes: [{ subtype: "s", data: {} }] };
      },
    });
    const collectors = await createCollectors({
      extra: [slow("NodeTopology", "topology", 0), slow("K8s", "k8s", 30)],
    });
    expect(collectors.map((c) => c.name)).toEqual(["k8s", "systemd", "os", "gpu", "topology"]);
    const doc = await takeSnapshot({ collectors, hostRoot: host("ubuntu-24.04"), env: envWith({ NODE_NAME: "gpu-node-1" }), now: NOW });
    expect(doc.kind).toBe("Snapshot");
    expect(doc.apiVersion).toBe("aicr.nvidia.com/v1alpha1");
    expect(doc.metadata).toEqual({ timestamp: "2026-01-03T10:30:05Z", "source-node": "gpu-node-1", version: "0.11.1" });
    expect(typesOf(doc)).toEqual(["K8s", "SystemD", "OS", "GPU", "NodeTopology"]);
    expect(doc.status.complete).toBe(true);
    expect(doc.status.collectors.map((c) => [c.name, c.state])).toEqual([
      ["k8s", "ok"],
      ["systemd", "ok"],
      ["os", "ok"],
      ["gpu", "ok"],
      ["topology", "ok"],
    ]);
  });

  test("source-node falls back from NODE_NAME to KUBERNETES_NODE_NAME to HOSTNAME to empty", async () => {
    const node = async (env: Record<string, string>) => (await takeSnapshot({ collectors: [], env })).metadata["source-node"];
    expect(await node({ KUBERNETES_NODE_NAME: "k", HOSTNAME: "h" })).toBe("k");
    expect(await node({ HOSTNAME: "h" })).toBe("h");
    expect(await node({ NODE_NAME: "", HOSTNAME: "h" })).toBe("h");
    expect(await node({})).toBe("");
  });

  test("the default collector timeout is 30 seconds", () => {
    expect(DEFAULT_COLLECTOR_TIMEOUT_MS).toBe(30_000);
  });

  test("two collectors with the same name are refused", async () => {
    await expect(createCollectors({ extra: [fixed("OS", "os")] })).rejects.toThrow('two collectors are named "os"');
  });
});

describe("failures cost only the failing collector", () => {
  test("a collector that throws is recorded as failed; the others' data is complete", async () => {
    const boom: Collector = { name: "k8s", collect: async () => Promise.reject(new Error("no route to API server")) };
    const doc = await takeSnapshot({ collectors: await createCollectors({ extra: [boom] }), hostRoot: host("rhel-9"), env: envWith() });
    expect(typesOf(doc)).toEqual(["SystemD", "OS", "GPU"]);
    expect(doc.status.complete).toBe(false);
    expect(doc.status.collectors[0]).toEqual({ name: "k8s", state: "failed", error: "no route to API server" });
    expect(dataOf(doc.measurements.find((m) => m.type === "GPU"), "smi")["gpu-count"]).toBe(2);
  });

  test("a collector that never returns times out; the snapshot still completes", async () => {
    const stuck: Collector = { name: "topology", collect: () => new Promise(() => {}) };
    const doc = await takeSnapshot({
      collectors: [...(await createCollectors()), stuck],
      hostRoot: host("cos"),
      env: envWith(),
      timeoutMs: 500,
      stopGraceMs: 50,
    });
    expect(typesOf(doc)).toEqual(["SystemD", "OS", "GPU"]);
    expect(doc.status.collectors.at(-1)).toEqual({ name: "topology", state: "timeout", error: "did not finish within 0.5s" });
    expect(doc.status.complete).toBe(false);
  });

  test("nvidia-smi hanging past the collector deadline: every other collector's data, the timeout recorded, the child killed", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const pidfile = join(t.dir, "pids");
    const doc = await takeSnapshot({
      collectors: await createCollectors(),
      hostRoot: host("ubuntu-22.04"),
      env: envWith({ AICR_FIXTURE_PIDFILE: pidfile }, ["/opt/nvidia-hung/bin"]),
      timeoutMs: 1_000,
    });
    expect(typesOf(doc)).toEqual(["SystemD", "OS"]);
    expect(dataOf(doc.measurements[1], "release")["ID"]).toBe("ubuntu");
    expect(doc.measurements[0]?.subtypes?.map((s) => s.subtype)).toEqual(["containerd.service", "docker.service", "kubelet.service"]);
    expect(doc.status.collectors).toEqual([
      { name: "systemd", state: "ok" },
      { name: "os", state: "ok" },
      { name: "gpu", state: "timeout", error: "did not finish within 1s" },
    ]);
    expect(doc.status.complete).toBe(false);
    expect(exists(pidfile)).toBe(true);
    await expectAllDead(pidsIn(pidfile));
  });

  test("cancelling the snapshot stops every collector and rejects", async () => {
    const ac = new AbortController();
    const stuck: Collector = { name: "k8s", collect: () => new Promise(() => {}) };
    const running = takeSnapshot({ collectors: [stuck], signal: ac.signal, stopGraceMs: 10 });
    ac.abort(new Error("SIGTERM"));
    await expect(running).rejects.toThrow("snapshot cancelled");
  });

  test("a degraded collector's own reasons are recorded", async () => {
    const partial: Collector = {
      name: "gpu",
      collect: async (ctx) => {
        ctx.degrade("skipped", "first");
        ctx.degrade("failed", "second");
        return { type: "GPU", subtypes: [{ subtype: "smi", data: { "gpu-count": 0 } }] };
      },
    };
    const doc = await takeSnapshot({ collectors: [partial] });
    expect(doc.status.collectors).toEqual([{ name: "gpu", state: "failed", error: "first; second" }]);
    expect(typesOf(doc)).toEqual(["GPU"]);
  });
});

describe("--require-gpu", () => {
  test("no GPU is a NOT_FOUND error saying why", async () => {
    const err = await takeSnapshot({ collectors: await createCollectors(), hostRoot: host("ubuntu-22.04"), env: envWith(), requireGpu: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AicrError);
    expect(exitCodeFor(err)).toBe(3);
    expect((err as Error).message).toContain("--require-gpu was set but no GPU was detected");
    expect((err as Error).message).toContain("nvidia-smi not found");
  });

  test("a failing nvidia-smi is no GPU either", async () => {
    const err = await takeSnapshot({
      collectors: await createCollectors(),
      hostRoot: host("ubuntu-22.04"),
      env: envWith({}, ["/opt/nvidia-broken/bin"]),
      requireGpu: true,
    }).catch((e: unknown) => e);
    expect(exitCodeFor(err)).toBe(3);
    expect((err as Error).message).toContain("Driver/library version mismatch");
  });

  test("GPUs present: the snapshot is taken", async () => {
    const doc = await takeSnapshot({ collectors: await createCollectors(), hostRoot: host("cos"), env: envWith(), requireGpu: true });
    expect(dataOf(doc.measurements.find((m) => m.type === "GPU"), "smi")["gpu-count"]).toBe(4);
  });
});

describe("serialisation", () => {
  const doc = async () => takeSnapshot({ collectors: await createCollectors(), hostRoot: host("ubuntu-24.04"), env: envWith({ NODE_NAME: "n1" }), now: NOW });

  test("the same node gives the same bytes", async () => {
    const a = await doc();
    const b = await doc();
    expect(serializeSnapshot(a, "yaml")).toBe(serializeSnapshot(b, "yaml"));
    expect(serializeSnapshot(a, "json")).toBe(serializeSnapshot(b, "json"));
  });

  test("YAML: 2-space layout, document fields in order, status last", async () => {
    const text = serializeSnapshot(await doc(), "yaml");
    expect(text.startsWith("kind: Snapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n  source-node: n1\n  timestamp: \"2026-01-03T10:30:05Z\"\n  version: 0.11.1\nmeasurements:\n  - type: SystemD\n    subtypes:\n      - subtype: containerd.service\n        data:\n")).toBe(true);
    expect(text).toContain("\nstatus:\n  complete: true\n  collectors:\n    - name: systemd\n      state: ok\n");
    expect(text).toContain("          IOReadBytes: 18446744073709551615\n");
    expect(text).toContain("          gpu-count: 8\n");
    expect(text).toContain('          cuda-version: "12.4"\n');
    expect(text.endsWith("\n")).toBe(true);
  });

  test("JSON and YAML carry the same document; integers beyond 2^53 stay exact", async () => {
    const d = await doc();
    const json = serializeSnapshot(d, "json");
    expect(json).toContain('"IOReadBytes": 18446744073709551615');
    const fromJson = JSON.parse(json.replace(/18446744073709551615/g, '"u64max"'));
    const fromYaml = parseYaml(serializeSnapshot(d, "yaml").replace(/18446744073709551615/g, '"u64max"'), "snapshot.yaml").value;
    expect(fromYaml).toEqual(fromJson);
    expect(Object.keys(fromJson)).toEqual(["kind", "apiVersion", "metadata", "measurements", "status"]);
  });

  test("map keys: natural order in YAML, byte order in JSON", async () => {
    const d: SnapshotDocument = {
      kind: "Snapshot",
      apiVersion: "aicr.nvidia.com/v1alpha1",
      metadata: { version: "v", timestamp: "t", "source-node": "" },
      measurements: [{ type: "GPU", subtypes: [{ subtype: "smi", data: { "gpu.10.model": "b", "gpu.9.model": "a", Zeta: 1, alpha: 2 } }] }],
      status: { complete: true, collectors: [], redacted: [] },
    };
    const yamlKeys = [...serializeSnapshot(d, "yaml").matchAll(/^ {10}([^:]+):/gm)].map((m) => m[1]);
    expect(yamlKeys).toEqual(["Zeta", "alpha", "gpu.9.model", "gpu.10.model"]);
    const jsonData = JSON.parse(serializeSnapshot(d, "json")).measurements[0].subtypes[0].data;
    expect(Object.keys(jsonData)).toEqual(["Zeta", "alpha", "gpu.10.model", "gpu.9.model"]);
  });
});
