import { afterEach, describe, expect, test } from "bun:test";
import { systemdCollector, systemdValue } from "../../agent/collectors/systemd.ts";
import { serializeSnapshot } from "../../agent/snapshot-format.ts";
import { takeSnapshot } from "../../agent/snapshot.ts";
import { collectOne, dataOf, envWith, host, tempDir } from "./helpers.ts";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe("SystemD collector", () => {
  test("reads containerd, docker and kubelet in that order; a missing unit is recorded as not-found", async () => {
    const { measurement: m, status } = await collectOne(systemdCollector(), { hostRoot: host("ubuntu-24.04") });
    expect(status).toEqual({ name: "systemd", state: "ok" });
    expect(m?.type).toBe("SystemD");
    expect(m?.subtypes?.map((s) => s.subtype)).toEqual(["containerd.service", "docker.service", "kubelet.service"]);
    expect(dataOf(m, "docker.service")["LoadState"]).toBe("not-found");
    expect(dataOf(m, "docker.service")["ActiveState"]).toBe("inactive");
  });

  test("values keep their kinds: yes/no booleans, integers (exact beyond 2^53), text otherwise", async () => {
    const { measurement: m } = await collectOne(systemdCollector(), { hostRoot: host("ubuntu-24.04") });
    const c = dataOf(m, "containerd.service");
    expect(c["ActiveState"]).toBe("active");
    expect(c["SubState"]).toBe("running");
    expect(c["Delegate"]).toBe(true);
    expect(c["PrivateTmp"]).toBe(false);
    expect(c["MainPID"]).toBe(1342);
    expect(c["OOMScoreAdjust"]).toBe(-999);
    expect(c["IOReadBytes"]).toBe(18446744073709551615n);
    expect(c["LimitNOFILE"]).toBe("infinity");
    expect(c["TimeoutStartUSec"]).toBe("1min 30s");
    expect(c["CPUWeight"]).toBe("[not set]");
    expect(c["UMask"]).toBe("0022");
    expect(c["ExecStart"]).toContain("path=/usr/bin/containerd");
    expect(c["FragmentPath"]).toBe("/usr/lib/systemd/system/containerd.service");
  });

  test("host-specific and credential properties are left out", async () => {
    const { measurement: m } = await collectOne(systemdCollector(), { hostRoot: host("ubuntu-24.04") });
    const k = dataOf(m, "kubelet.service");
    for (const key of ["Id", "AllowedCPUs", "LoadCredential"]) expect(key in k).toBe(false);
    expect(k["EffectiveCPUs"]).toBe("0-191");
    expect(k["Names"]).toBe("kubelet.service");
  });

  test("a property printed on several lines is joined", async () => {
    const { measurement: m } = await collectOne(systemdCollector(), { hostRoot: host("ubuntu-24.04") });
    expect(dataOf(m, "kubelet.service")["EnvironmentFiles"]).toBe("/var/lib/kubelet/kubeadm-flags.env (ignore_errors=yes) /etc/default/kubelet (ignore_errors=yes)");
  });

  test("the unit list can be chosen; an empty list means containerd only", async () => {
    const two = await collectOne(systemdCollector({ units: ["kubelet.service", "crio.service"] }), { hostRoot: host("cos") });
    expect(two.measurement?.subtypes?.map((s) => s.subtype)).toEqual(["kubelet.service", "crio.service"]);
    expect(dataOf(two.measurement, "kubelet.service")["ExecStart"]).toContain("/home/kubernetes/bin/kubelet");
    const none = await collectOne(systemdCollector({ units: [] }), { hostRoot: host("cos") });
    expect(none.measurement?.subtypes?.map((s) => s.subtype)).toEqual(["containerd.service"]);
  });

  test("without systemctl the measurement has no subtypes and is written as a bare type", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const doc = await takeSnapshot({ collectors: [systemdCollector()], hostRoot: t.dir, env: envWith() });
    expect(doc.measurements).toEqual([{ type: "SystemD" }]);
    expect(doc.status.collectors[0]).toMatchObject({ name: "systemd", state: "skipped" });
    expect(doc.status.complete).toBe(true);
    expect(serializeSnapshot(doc, "yaml")).toContain("measurements:\n  - type: SystemD\nstatus:");
  });

  test("systemd not reachable (a container without systemd): no subtypes, skipped, one reason for all units", async () => {
    const { measurement: m, status } = await collectOne(systemdCollector(), { hostRoot: host("ubuntu-22.04"), env: envWith({}, ["/opt/no-systemd/bin"]) });
    expect(m).toEqual({ type: "SystemD" });
    expect(status.state).toBe("skipped");
    expect(status.error).toBe(
      "containerd.service, docker.service, kubelet.service: systemctl show exited with status 1: System has not been booted with systemd as init system (PID 1). Can't operate.",
    );
  });

  test("value conversion", () => {
    expect(systemdValue("yes")).toBe(true);
    expect(systemdValue("no")).toBe(false);
    expect(systemdValue("0")).toBe(0);
    expect(systemdValue("-1")).toBe(-1);
    expect(systemdValue("9007199254740993")).toBe(9007199254740993n);
    expect(systemdValue("0755")).toBe("0755");
    expect(systemdValue("")).toBe("");
    expect(systemdValue("Yes")).toBe("Yes");
  });
});
