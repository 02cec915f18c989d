/**
 * The FleetSnapshot document: the pure builder (sorted, counted, failures on one line), text in YAML and
 * JSON that reads back to the same document, the decoder's checks with file positions, kind
 * detection, and the pure helpers of SSH collection (hosts, machine types, the bounded pool).
 */
import { describe, expect, test } from "bun:test";
import { buildFleetSnapshot, isComplete, oneLine } from "../../core/fleet/build.ts";
import { decodeFleetSnapshot, decodeSnapshotOrFleet, documentKind } from "../../core/fleet/document.ts";
import { serializeFleetSnapshot } from "../../core/fleet/format.ts";
import { mapBounded } from "../../core/fleet/pool.ts";
import { agentTargetFor, parseSshHosts } from "../../core/fleet/ssh-hosts.ts";
import { AicrError } from "../../core/errors.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";

const snap = (driver: string, extra: Record<string, unknown> = {}): Snapshot =>
  ({
    kind: "Snapshot",
    apiVersion: "aicr.nvidia.com/v1alpha1",
    metadata: { timestamp: "2026-03-21T10:00:00Z", "source-node": "x" },
    measurements: [{ type: "GPU", subtypes: [{ subtype: "smi", data: { driver, "gpu-count": 8, "gpu.model": "NVIDIA H100 80GB HBM3" } }] }],
    ...extra,
  }) as Snapshot;

const input = {
  timestamp: "2026-03-21T10:00:00Z",
  version: "0.11.1",
  source: "ssh",
  snapshots: [
    { node: "node-b", snapshot: snap("570.86.15") },
    { node: "node-a", snapshot: snap("580.95.05", { status: { complete: true, collectors: [{ name: "gpu", state: "ok" }], redacted: [] } }) },
  ],
  failures: [{ node: "node-c", state: "unreachable" as const, reason: "ssh: connect to host node-c port 22: Connection refused\n" }],
};

describe("builder", () => {
  const fleet = buildFleetSnapshot(input);

  test("kind, apiVersion, metadata with counts; nodes and failures by name", () => {
    expect(fleet.kind).toBe("FleetSnapshot");
    expect(fleet.apiVersion).toBe("aicr.nvidia.com/v1alpha1");
    expect(fleet.metadata).toEqual({ timestamp: "2026-03-21T10:00:00Z", version: "0.11.1", source: "ssh", nodeCount: 3, snapshotCount: 2, failureCount: 1 });
    expect(Object.keys(fleet.nodes)).toEqual(["node-a", "node-b"]);
    expect(fleet.failures).toEqual({ "node-c": { state: "unreachable", reason: "ssh: connect to host node-c port 22: Connection refused" } });
    expect(isComplete(fleet)).toBe(false);
  });

  test("a node named twice, or both collected and failed, is refused", () => {
    expect(() => buildFleetSnapshot({ ...input, snapshots: [...input.snapshots, { node: "node-a", snapshot: snap("1") }] })).toThrow('node "node-a" appears more than once');
    expect(() => buildFleetSnapshot({ ...input, failures: [{ node: "node-b", state: "failed", reason: "x" }] })).toThrow('node "node-b" appears more than once');
  });

  test("a reason is one line: the last non-empty line of the message", () => {
    expect(oneLine("Warning: Permanently added 'h' to known hosts.\nssh: connect to host h port 22: Connection refused\n\n")).toBe("ssh: connect to host h port 22: Connection refused");
    expect(oneLine("  \n")).toBe("no detail");
  });
});

describe("text", () => {
  const fleet = buildFleetSnapshot(input);

  test("YAML: fixed field order, readings sorted, the agent's status kept; reads back to the same fleet", () => {
    const text = serializeFleetSnapshot(fleet, "yaml");
    expect(text.startsWith("kind: FleetSnapshot\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n  timestamp: \"2026-03-21T10:00:00Z\"\n  version: 0.11.1\n  source: ssh\n  nodeCount: 3\n")).toBe(true);
    expect(text).toContain("\n    status:\n      complete: true\n");
    expect(text).toContain("\nfailures:\n  node-c:\n    state: unreachable\n    reason: 'ssh: connect to host node-c port 22: Connection refused'\n");
    const back = decodeFleetSnapshot(text, "fleet.yaml");
    expect(back).toEqual(fleet);
  });

  test("JSON reads back to the same fleet; ConfigMap payloads use 4 spaces (YAML) and no final newline (JSON)", () => {
    const json = serializeFleetSnapshot(fleet, "json");
    expect(decodeFleetSnapshot(json, "fleet.json")).toEqual(fleet);
    expect(serializeFleetSnapshot(fleet, "json", { forConfigMap: true })).toBe(json.replace(/\n$/, ""));
    expect(serializeFleetSnapshot(fleet, "yaml", { forConfigMap: true })).toContain("\nnodes:\n    node-a:\n        kind: Snapshot\n");
  });

  test("the same fleet gives the same bytes whatever order the nodes finished in", () => {
    const reversed = buildFleetSnapshot({ ...input, snapshots: [...input.snapshots].reverse() });
    expect(serializeFleetSnapshot(reversed, "yaml")).toBe(serializeFleetSnapshot(fleet, "yaml"));
  });
});

describe("decoder", () => {
  const problem = (text: string): string => {
    try {
      decodeFleetSnapshot(text, "f.yaml");
    } catch (err) {
      return (err as AicrError).message;
    }
    throw new Error("decoded");
  };

  test("another kind is refused", () => {
    expect(problem("kind: Snapshot\nmeasurements: []\n")).toBe('f.yaml is not a FleetSnapshot: kind is "Snapshot"');
  });

  test("structural problems name the path, line and column", () => {
    const text = ["kind: FleetSnapshot", "nodes:", "  a:", "    measurements:", "      - type: 3", "        subtypes:", "          - subtype: smi", "            data: [1]", "failures:", "  b: {state: lost}", ""].join("\n");
    expect(problem(text)).toBe("invalid FleetSnapshot: f.yaml:5:15: nodes.a.measurements[0].type: expected a string (and 2 more problems)");
  });

  test("a node both collected and failed is refused", () => {
    expect(problem("kind: FleetSnapshot\nnodes:\n  a: {measurements: []}\nfailures:\n  a: {state: failed, reason: x}\n")).toContain("failures.a: the node also has a snapshot under nodes");
  });

  test("counts are recomputed from what the document holds", () => {
    const f = decodeFleetSnapshot("kind: FleetSnapshot\nmetadata: {snapshotCount: 9}\nnodes:\n  a: {measurements: []}\n", "f.yaml");
    expect(f.metadata).toEqual({ timestamp: "", nodeCount: 1, snapshotCount: 1, failureCount: 0 });
    expect(f.failures).toEqual({});
  });

  test("kind detection: the top-level kind only, YAML or JSON, flow style", () => {
    const fleetText = serializeFleetSnapshot(buildFleetSnapshot(input), "yaml");
    expect(documentKind(fleetText, "f.yaml")).toBe("FleetSnapshot");
    expect(documentKind("apiVersion: v1\nnodes:\n  a:\n    kind: Snapshot\n", "f.yaml")).toBeUndefined();
    expect(documentKind('{"nodes": {"a": {"kind": "Snapshot"}}, "kind": "FleetSnapshot"}', "f.json")).toBe("FleetSnapshot");
    expect(documentKind("{kind: RecipeResult, componentRefs: []}", "f.yaml")).toBe("RecipeResult");
    expect(documentKind('kind: "Snapshot" # a node\n', "f.yaml")).toBe("Snapshot");
  });

  test("a --snapshot input is a Snapshot or a FleetSnapshot", () => {
    expect(decodeSnapshotOrFleet("kind: Snapshot\nmeasurements: []\n", "s.yaml").kind).toBe("Snapshot");
    expect(decodeSnapshotOrFleet(serializeFleetSnapshot(buildFleetSnapshot(input), "yaml"), "f.yaml").kind).toBe("FleetSnapshot");
    expect(() => decodeSnapshotOrFleet("kind: RecipeResult\ncomponentRefs: []\ndeploymentOrder: []\n", "r.yaml")).toThrow("not a Snapshot");
  });
});

describe("SSH helpers", () => {
  test("hosts: comma-separated and repeated, node = the host part", () => {
    expect(parseSshHosts(["root@gpu-1,gpu-2", " ubuntu@10.0.0.7 "])).toEqual([
      { target: "root@gpu-1", node: "gpu-1" },
      { target: "gpu-2", node: "gpu-2" },
      { target: "ubuntu@10.0.0.7", node: "10.0.0.7" },
    ]);
  });

  test("hosts that ssh could read as an option, a path or a command are refused", () => {
    for (const bad of ["-oProxyCommand=touch /tmp/x", "a b", "user@", "@host", "host;rm", "h/../x", "u@h@i"]) {
      expect(() => parseSshHosts([bad])).toThrow("invalid --ssh host");
    }
    expect(() => parseSshHosts([" , "])).toThrow("--ssh needs at least one host");
    expect(() => parseSshHosts(["a@h", "b@h"])).toThrow('--ssh names host "h" twice');
  });

  test("machine types: x86_64/amd64 -> linux-x64, aarch64/arm64 -> linux-arm64, others none", () => {
    expect(agentTargetFor("x86_64\n")).toBe("linux-x64");
    expect(agentTargetFor("amd64")).toBe("linux-x64");
    expect(agentTargetFor("aarch64")).toBe("linux-arm64");
    expect(agentTargetFor("arm64")).toBe("linux-arm64");
    expect(agentTargetFor("ppc64le")).toBeUndefined();
  });

  test("the bounded pool keeps item order and never runs more than the limit at once", async () => {
    let running = 0;
    let most = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (x) => {
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < x; i++) await Promise.resolve();
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
    await expect(mapBounded([1], 0, async (x) => x)).rejects.toThrow("parallelism must be a whole number of at least 1");
  });
});
