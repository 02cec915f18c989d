/** `aicr query`: selection in the hydrated recipe, output forms, --explain. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { aicr, emptyRegistry, expectFailure, removeDir, tempDir, writeTree } from "./helpers.ts";

const eksH100Training = ["--service", "eks", "--accelerator", "h100", "--intent", "training"];
const query = (selector: string, ...more: string[]) => aicr(["query", ...eksH100Training, "--selector", selector, ...more]);

const tmp = tempDir();
afterAll(() => removeDir(tmp));

describe("aicr query", () => {
  test("a scalar prints as plain text", () => {
    expect(query("components.gpu-operator.values.gdrcopy.enabled")).toMatchObject({ code: 0, stdout: "true\n" });
    expect(query("components.gpu-operator.version")).toMatchObject({ code: 0, stdout: "v25.10.1\n" });
    expect(query("criteria.nodes")).toMatchObject({ code: 0, stdout: "0\n" });
  });

  test("the leading dot is optional", () => {
    expect(query(".components.gpu-operator.chart").stdout).toBe("gpu-operator\n");
    expect(query("components.gpu-operator.chart").stdout).toBe("gpu-operator\n");
  });

  test("a null value (an override that removes a chart default) prints null", () => {
    const r = aicr(["query", "--service", "eks", "--intent", "training", "--selector", ".components.kube-prometheus-stack.values.prometheus.prometheusSpec.storageSpec.emptyDir"]);
    expect(r).toMatchObject({ code: 0, stdout: "null\n" });
  });

  test("a map prints as YAML with 4-space indentation and sorted keys", () => {
    expect(query("components.cert-manager.values.resources").stdout).toBe(
      "limits:\n    cpu: 50m\n    memory: 90Mi\nrequests:\n    cpu: 50m\n    memory: 90Mi\n",
    );
    expect(query("metadata").stdout).toBe(
      [
        "appliedOverlays:",
        "    - base",
        "    - monitoring-hpa",
        "    - eks",
        "    - eks-training",
        "    - h100-eks-training",
        "constraintWarnings: []",
        "excludedOverlays: []",
        "version: 0.11.1",
        "",
      ].join("\n"),
    );
  });

  test("--format json: JSON for maps and scalars; absent lists are null", () => {
    expect(query("components.gpu-operator.values.cdi", "--format", "json").stdout).toBe('{\n  "default": false,\n  "enabled": true\n}\n');
    expect(query("components.gpu-operator.version", "-t", "json").stdout).toBe('"v25.10.1"\n');
    expect(query("constraints", "-t", "json").stdout).toBe('[\n  {\n    "name": "K8s.server.version",\n    "value": "\\u003e= 1.32.4"\n  }\n]\n');
    expect(query("metadata.excludedOverlays", "-t", "json").stdout).toBe("null\n");
    expect(query("metadata.excludedOverlays").stdout).toBe("[]\n");
  });

  test("an empty selector or a lone dot selects the whole hydrated document", () => {
    const all = query("", "-t", "json");
    expect(all.code).toBe(0);
    const doc = JSON.parse(all.stdout);
    expect(Object.keys(doc)).toEqual(["apiVersion", "components", "constraints", "criteria", "deploymentOrder", "kind", "metadata"]);
    expect(doc.components["gpu-operator"].values.cdi).toEqual({ default: false, enabled: true });
    expect(JSON.parse(query(".", "-t", "json").stdout)).toEqual(doc);
  });

  test("a selector that does not exist: exit 3, listing the available keys", () => {
    expectFailure(
      aicr(["query", "--service", "eks", "--selector", "validation"]),
      3,
      '[NOT_FOUND] selector "validation": key "validation" not found, available keys: apiVersion, components, constraints, criteria, deploymentOrder, kind, metadata',
    );
  });

  test("descending into a list is NOT_FOUND", () => {
    expectFailure(query("deploymentOrder.0"), 3, 'cannot descend into non-map value at "0"');
  });

  test("--selector is required (usage error, exit 1)", () => {
    expectFailure(aicr(["query", "--service", "eks"]), 1, /required flag --selector.*--help/);
  });

  describe("--explain", () => {
    test("names the layer that set each selected value", () => {
      const r = query("components.gpu-operator.values.cdi", "--explain");
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^components\.gpu-operator\.values\.cdi\.default\s+false\s+<- components\/gpu-operator\/values-eks-training\.yaml$/);
      expect(lines[1]).toMatch(
        /^components\.gpu-operator\.values\.cdi\.enabled\s+true\s+<- overrides from h100-eks-training \(overlays\/h100-eks-training\.yaml\)$/,
      );
    });

    test("names the layer that set a component field", () => {
      expect(query("components.gpu-operator.version", "--explain").stdout).toMatch(
        /^components\.gpu-operator\.version\s+"v25\.10\.1"\s+<- base \(overlays\/base\.yaml\)\n$/,
      );
      expect(query("components.gpu-operator.namespace", "--explain").stdout).toMatch(
        /^components\.gpu-operator\.namespace\s+"gpu-operator"\s+<- registry default \(registry\.yaml\)\n$/,
      );
    });

    test("marks values that came from a --data file with [--data]", () => {
      const data = writeTree(join(tmp, "explain-data"), {
        "registry.yaml": emptyRegistry,
        "components/gpu-operator/values.yaml": "dcgm:\n  enabled: false\n",
      });
      const r = query("components.gpu-operator.values.dcgm", "--explain", "--data", data);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^components\.gpu-operator\.values\.dcgm\.enabled\s+false\s+<- components\/gpu-operator\/values\.yaml \[--data\]\n$/);
    });

    test("a value replaced by null is listed once, without the removed leaves", () => {
      const r = aicr(["query", "--service", "eks", "--explain", "--selector", "components.kube-prometheus-stack.values.prometheus.prometheusSpec.storageSpec.emptyDir"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^components\.kube-prometheus-stack\.values\.prometheus\.prometheusSpec\.storageSpec\.emptyDir\s+null\s+<- overrides from eks \(overlays\/eks\.yaml\)\n$/);
    });

    test("recipe --explain renders the whole report", () => {
      const r = aicr(["recipe", "--service", "eks", "--explain"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Applied overlays: base -> monitoring-hpa -> eks\n");
      expect(r.stdout).toMatch(/\n {2}K8s\.server\.version\s+>= 1\.28\s+<- eks \(overlays\/eks\.yaml\)\n/);
      expect(r.stdout).toMatch(/\ngpu-operator:\n/);
    });
  });

  test("--help lists the selector flag", () => {
    const r = aicr(["query", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("USAGE aicr query");
    expect(r.stdout).toContain("--selector");
    expect(r.stdout).toContain("--explain");
    expect(r.stdout).not.toContain("--output");
  });
});
