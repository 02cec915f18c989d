/**
 * `aicr snapshot` without --ssh: this machine through the agent's collectors, here pointed at a fixture
 * host root; YAML or JSON to stdout or a file; and bad flags as one error line.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { aicr, expectFailure, REPO, removeDir, tempDir } from "../cli/helpers.ts";

const HOST = join(REPO, "tests", "fixtures", "hosts", "ubuntu-24.04");
const tmp = tempDir("aicr-snapshot-local-");
afterAll(() => removeDir(tmp));

const release = (doc: { measurements: { type: string; subtypes?: { subtype: string; data: Record<string, unknown> }[] }[] }) =>
  doc.measurements.find((m) => m.type === "OS")?.subtypes?.find((s) => s.subtype === "release")?.data;

describe("local snapshot", () => {
  test("YAML on stdout: a Snapshot of the host root, collectors' status included", () => {
    const r = aicr(["snapshot", "--no-cluster", "--host-root", HOST]);
    expect(r.code).toBe(0);
    const doc = parse(r.stdout);
    expect(doc.kind).toBe("Snapshot");
    expect(doc.apiVersion).toBe("aicr.nvidia.com/v1alpha1");
    expect(release(doc)).toMatchObject({ ID: "ubuntu", VERSION_ID: "24.04" });
    expect(doc.status.collectors.map((c: { name: string }) => c.name)).toEqual(["systemd", "os", "gpu"]);
    expect(r.stderr).toContain("snapshot ");
  });

  test("JSON to a file, which `aicr diff` compares with a second capture: no drift but the clock", () => {
    const a = join(tmp, "a.json");
    const b = join(tmp, "b.json");
    expect(aicr(["snapshot", "--no-cluster", "--host-root", HOST, "-t", "json", "-o", a]).code).toBe(0);
    expect(aicr(["snapshot", "--no-cluster", "--host-root", HOST, "-t", "json", "-o", b]).code).toBe(0);
    expect(JSON.parse(readFileSync(a, "utf8")).kind).toBe("Snapshot");
    const d = aicr(["diff", a, b, "-t", "json"]);
    expect(d.code).toBe(0);
    // Only readings that move on their own may differ (uptime-like counters); the OS release never does.
    for (const c of JSON.parse(d.stdout).changes) expect(c.path).not.toStartWith("OS.release.");
  });

  test("bad flags: one line each", () => {
    expectFailure(aicr(["snapshot", "-t", "table"]), 2, "table output of snapshots is not supported");
    expectFailure(aicr(["snapshot", "-t", "xml"]), 2, 'unknown output format: "xml"');
    expectFailure(aicr(["snapshot", "--timeout", "0"]), 2, 'invalid value for --timeout: "0"');
    expectFailure(aicr(["snapshot", "--host-root", join(tmp, "missing")]), 2, "is not a directory");
    expectFailure(aicr(["snapshot", "--agent-dir", tmp]), 2, "--agent-dir needs --ssh");
    expectFailure(aicr(["snapshot", "-o", join(tmp, "no", "dir", "s.yaml")]), 2, "does not exist");
  });
});
