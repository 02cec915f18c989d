import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gpuCollector, parseNvidiaSmi } from "../../agent/collectors/gpu.ts";
import { collectOne, dataOf, envWith, exists, host, expectAllDead, pidsIn, SMI_XML, tempDir } from "./helpers.ts";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

const smi = async (hostRoot: string, pathFirst: string[] = [], extraEnv: Record<string, string> = {}, timeoutMs?: number) => {
  const r = await collectOne(gpuCollector(timeoutMs === undefined ? {} : { timeoutMs }), { hostRoot, env: envWith(extraEnv, pathFirst) });
  return { ...r, data: dataOf(r.measurement, "smi") };
};

describe("GPU collector", () => {
  test("8x H100 SXM: upstream's readings for the first GPU plus one set per GPU", async () => {
    const { data, status, measurement } = await smi(host("ubuntu-24.04"));
    expect(status).toEqual({ name: "gpu", state: "ok" });
    expect(measurement?.type).toBe("GPU");
    expect(measurement?.subtypes?.map((s) => s.subtype)).toEqual(["smi"]);
    expect(data).toMatchObject({
      driver: "550.127.08",
      "cuda-version": "12.4",
      "gpu-count": 8,
      "gpu.model": "NVIDIA H100 80GB HBM3",
      "gpu.product-architecture": "Hopper",
      "gpu.display-mode": "Disabled",
      "gpu.display-active": "Disabled",
      "gpu.persistence-mode": "Enabled",
      "gpu.addressing-mode": "None",
      "gpu.vbios-version": "96.00.99.00.01",
      "gpu.gsp-firmware-version": "550.127.08",
      "gpu.mig-mode": "Disabled",
    });
    for (let i = 0; i < 8; i++) {
      expect(data[`gpu.${i}.model`]).toBe("NVIDIA H100 80GB HBM3");
      expect(data[`gpu.${i}.memory-total`]).toBe("81559 MiB");
      expect(data[`gpu.${i}.mig-mode`]).toBe("Disabled");
      expect(data[`gpu.${i}.mig-devices`]).toBe(0);
      expect(String(data[`gpu.${i}.uuid`])).toMatch(/^GPU-[0-9a-f-]{36}$/);
    }
    expect(data["gpu.0.pci-bus-id"]).toBe("00000000:18:00.0");
    expect(data["gpu.7.pci-bus-id"]).toBe("00000000:DB:00.0");
    expect(new Set(Object.keys(data).filter((k) => k.endsWith(".uuid")).map((k) => data[k])).size).toBe(8);
    expect("gpu.8.model" in data).toBe(false);
  });

  test("4x GB200 on Container-Optimized OS: nvidia-smi is found in GKE's driver directory", async () => {
    const { data, status } = await smi(host("cos"));
    expect(status.state).toBe("ok");
    expect(data).toMatchObject({
      driver: "570.133.20",
      "cuda-version": "12.8",
      "gpu-count": 4,
      "gpu.model": "NVIDIA GB200",
      "gpu.product-architecture": "Blackwell",
      "gpu.addressing-mode": "ATS",
      "gpu.0.memory-total": "189471 MiB",
      "gpu.3.pci-bus-id": "00000019:01:00.0",
    });
  });

  test("MIG-enabled A100: MIG mode and every MIG device per GPU", async () => {
    const { data } = await smi(host("rhel-9"));
    expect(data).toMatchObject({
      driver: "535.216.01",
      "cuda-version": "12.2",
      "gpu-count": 2,
      "gpu.model": "NVIDIA A100-SXM4-40GB",
      "gpu.product-architecture": "Ampere",
      "gpu.mig-mode": "Enabled",
      "gpu.0.mig-mode": "Enabled",
      "gpu.0.mig-devices": 3,
      "gpu.0.mig.0.gpu-instance-id": 2,
      "gpu.0.mig.0.compute-instance-id": 0,
      "gpu.0.mig.0.memory-total": "19968 MiB",
      "gpu.0.mig.0.multiprocessors": 42,
      "gpu.0.mig.1.memory-total": "9856 MiB",
      "gpu.0.mig.2.memory-total": "4864 MiB",
      "gpu.0.mig.2.multiprocessors": 14,
      "gpu.1.mig-devices": 1,
      "gpu.1.mig.0.memory-total": "40192 MiB",
      "gpu.1.mig.0.multiprocessors": 98,
    });
    expect("gpu.0.mig.3.memory-total" in data).toBe(false);
  });

  test("no nvidia-smi: gpu-count 0 and the collector is marked skipped", async () => {
    const { data, status } = await smi(host("ubuntu-22.04"));
    expect(data).toEqual({ "gpu-count": 0 });
    expect(status.state).toBe("skipped");
    expect(status.error).toContain("nvidia-smi not found");
  });

  test("nvidia-smi exiting non-zero: gpu-count 0, failed, with the tool's message", async () => {
    const { data, status } = await smi(host("ubuntu-22.04"), ["/opt/nvidia-broken/bin"]);
    expect(data).toEqual({ "gpu-count": 0 });
    expect(status.state).toBe("failed");
    expect(status.error).toBe("nvidia-smi exited with status 18: Failed to initialize NVML: Driver/library version mismatch");
  });

  test("cut-off XML: gpu-count 0, failed, with where the XML broke", async () => {
    const { data, status } = await smi(host("ubuntu-22.04"), ["/opt/nvidia-garbled/bin"]);
    expect(data).toEqual({ "gpu-count": 0 });
    expect(status.state).toBe("failed");
    expect(status.error).toContain("cannot read nvidia-smi output");
    expect(status.error).toContain("line 10");
  });

  test("nvidia-smi hanging past its own timeout: gpu-count 0, timeout, and the hung processes are killed", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const pidfile = join(t.dir, "pids");
    const { data, status } = await smi(host("ubuntu-22.04"), ["/opt/nvidia-hung/bin"], { AICR_FIXTURE_PIDFILE: pidfile }, 300);
    expect(data).toEqual({ "gpu-count": 0 });
    expect(status.state).toBe("timeout");
    expect(status.error).toContain("did not finish within 0.3s");
    expect(exists(pidfile)).toBe(true);
    await expectAllDead(pidsIn(pidfile));
  });
});

describe("nvidia-smi XML parsing", () => {
  const xml = (body: string) => `<?xml version="1.0" ?>\n<!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v12.dtd">\n<nvidia_smi_log>${body}</nvidia_smi_log>\n`;

  test("gpu-count counts <gpu> elements, not attached_gpus", () => {
    const data = parseNvidiaSmi(xml("<driver_version>1</driver_version><cuda_version>2</cuda_version><attached_gpus>4</attached_gpus><gpu id='a'><product_name>X</product_name></gpu>"));
    expect(data["gpu-count"]).toBe(1);
    expect(data["gpu.model"]).toBe("X");
    expect(data["gpu.vbios-version"]).toBe(""); // missing element
  });

  test("without GPUs only driver, cuda-version and gpu-count are reported", () => {
    expect(parseNvidiaSmi(xml("<driver_version>550.1</driver_version><cuda_version>12.4</cuda_version><attached_gpus>0</attached_gpus>"))).toEqual({
      driver: "550.1",
      "cuda-version": "12.4",
      "gpu-count": 0,
    });
  });

  test("a non-numeric attached_gpus, or malformed XML, is an error", () => {
    expect(() => parseNvidiaSmi(xml("<attached_gpus>eight</attached_gpus>"))).toThrow("attached_gpus");
    expect(() => parseNvidiaSmi("<nvidia_smi_log><gpu></nvidia_smi_log>")).toThrow();
    expect(() => parseNvidiaSmi("")).toThrow("no root element");
  });

  test("entities and CDATA are decoded; element text is kept as written", () => {
    const data = parseNvidiaSmi(xml("<driver_version> 1 </driver_version><gpu><product_name>A &amp; B &#x41;<![CDATA[<c>]]></product_name></gpu>"));
    expect(data["driver"]).toBe(" 1 ");
    expect(data["gpu.model"]).toBe("A & B A<c>");
  });

  test("every recorded fixture parses", () => {
    for (const f of ["h100-sxm-8gpu.xml", "gb200-4gpu.xml", "a100-mig-2gpu.xml"]) {
      const data = parseNvidiaSmi(readFileSync(join(SMI_XML, f), "utf8"));
      expect(data["gpu-count"]).toBeGreaterThan(0);
    }
  });
});
