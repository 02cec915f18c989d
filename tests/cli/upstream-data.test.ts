/**
 * External data written in upstream v0.11.1's format is accepted unchanged by `--data`: a new registry
 * component, an overlay at a new path, and a values file replacing an embedded component's.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { aicr, FIXTURES } from "./helpers.ts";

const DATA = join(FIXTURES, "upstream-v0.11.1");
const acmeQuery = ["--service", "eks", "--accelerator", "h100", "--intent", "training", "--platform", "kubeflow"];

describe("upstream-format --data", () => {
  test("recipe: the new overlay is applied after its embedded chain and adds the new component with registry defaults", () => {
    const r = aicr(["recipe", "--data", DATA, ...acmeQuery, "-t", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.metadata.appliedOverlays).toEqual(["base", "monitoring-hpa", "eks", "eks-training", "h100-eks-training", "acme-h100-eks-training-kubeflow"]);
    expect(doc.constraints).toEqual([
      { name: "GPU.smi.driver", value: ">= 580.0" },
      { name: "K8s.server.version", value: ">= 1.32.4" },
    ]);
    expect(doc.componentRefs[0]).toEqual({
      name: "acme-operator",
      namespace: "acme-system",
      chart: "acme-operator",
      type: "Helm",
      source: "https://charts.acme.example.com",
      version: "v1.2.3",
      valuesFile: "components/acme-operator/values.yaml",
      dependencyRefs: ["gpu-operator"],
    });
    const gpu = doc.componentRefs.find((c: { name: string }) => c.name === "gpu-operator");
    expect(gpu.overrides).toEqual({ cdi: { enabled: true }, driver: { version: "580.105.08" }, gdrcopy: { enabled: true } });
    // acme-operator waits for gpu-operator.
    expect(doc.deploymentOrder.indexOf("acme-operator")).toBeGreaterThan(doc.deploymentOrder.indexOf("gpu-operator"));
  });

  test("recipe: queries the new overlay does not match are unchanged", () => {
    const args = ["--service", "eks", "--accelerator", "h100", "--intent", "training"];
    const withData = aicr(["recipe", "--data", DATA, ...args]);
    expect(withData.code).toBe(0);
    expect(withData.stdout).toBe(aicr(["recipe", ...args]).stdout);
  });

  test("query: the new component is hydrated from its external values file", () => {
    const r = aicr(["query", "--data", DATA, ...acmeQuery, "--selector", "components.acme-operator"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "chart: acme-operator",
        "dependencyRefs:",
        "    - gpu-operator",
        "name: acme-operator",
        "namespace: acme-system",
        "source: https://charts.acme.example.com",
        "type: Helm",
        "values:",
        "    operator:",
        "        image:",
        "            repository: registry.acme.example.com/acme-operator",
        "            tag: v1.2.3",
        "        logLevel: info",
        "    replicaCount: 2",
        "version: v1.2.3",
        "",
      ].join("\n"),
    );
  });

  test("query: the external values file replaces the embedded one for every recipe", () => {
    const withData = aicr(["query", "--data", DATA, "--service", "gke", "--selector", "components.cert-manager.values", "-t", "json"]);
    expect(withData.code).toBe(0);
    expect(JSON.parse(withData.stdout)).toEqual({ acme: { issuer: "letsencrypt-prod" }, crds: { enabled: true }, fullnameOverride: "cert-manager" });
    const without = aicr(["query", "--service", "gke", "--selector", "components.cert-manager.values", "-t", "json"]);
    expect(JSON.parse(without.stdout).acme).toBeUndefined();
    expect(JSON.parse(without.stdout).resources).toBeDefined();
  });

  test("query: the overlay's override reaches the hydrated values", () => {
    const r = aicr(["query", "--data", DATA, ...acmeQuery, "--selector", "components.gpu-operator.values.driver.version"]);
    expect(r).toMatchObject({ code: 0, stdout: "580.105.08\n" });
  });
});
