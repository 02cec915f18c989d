/**
 * manifests/aicrd.yaml: a Deployment and a Service for aicrd. Resources, probes on /health and
 * /ready, a non-root read-only container, a grace period longer than the server's shutdown timeout,
 * a Service that selects the pods; `kubectl create` accepts it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { parseGoDuration } from "../../core/validate/duration.ts";
import { VERSION } from "../../core/version.ts";
import { KubeStandin } from "../support/kube-standin.ts";
import { standinClient } from "../support/standin-client.ts";

type Obj = Record<string, any>;
const root = join(import.meta.dir, "..", "..", "manifests");
const file = join(root, "aicrd.yaml");
const docs = parseAllDocuments(readFileSync(file, "utf8")).map((d) => {
  if (d.errors.length > 0) throw new Error(`aicrd.yaml: ${d.errors[0]!.message}`);
  return d.toJS() as Obj;
});
const deployment = docs.find((d) => d["kind"] === "Deployment") as Obj;
const service = docs.find((d) => d["kind"] === "Service") as Obj;
const pod = deployment["spec"]["template"]["spec"] as Obj;
const container = pod["containers"][0] as Obj;

describe("manifests/aicrd.yaml", () => {
  test("a Deployment and a Service, named, in the agent's namespace", () => {
    expect(docs.map((d) => `${d["apiVersion"]} ${d["kind"]} ${d["metadata"]["namespace"]}/${d["metadata"]["name"]}`)).toEqual([
      "apps/v1 Deployment aicr/aicrd",
      "v1 Service aicr/aicrd",
    ]);
  });

  test("the container runs `aicr serve` from this version's image, with CPU and memory requests and limits", () => {
    expect(pod["containers"]).toHaveLength(1);
    expect(container["image"]).toBe(`ghcr.io/nvidia/aicr:v${VERSION}`);
    expect(container["command"]).toEqual(["aicr"]);
    expect(container["args"].slice(0, 3)).toEqual(["serve", "--port", "8080"]);
    for (const kind of ["requests", "limits"]) for (const res of ["cpu", "memory"]) expect(container["resources"][kind][res], `${kind}.${res}`).toBeDefined();
  });

  test("probes: liveness on /health, readiness on /ready, on the named port the server listens on", () => {
    const port = container["ports"].find((p: Obj) => p["name"] === "http");
    expect(port["containerPort"]).toBe(8080);
    expect(container["livenessProbe"]["httpGet"]).toEqual({ path: "/health", port: "http" });
    expect(container["readinessProbe"]["httpGet"]).toEqual({ path: "/ready", port: "http" });
    expect(container["startupProbe"]["httpGet"]["path"]).toBe("/health");
  });

  test("non-root, read-only root file system, no privilege escalation, no capabilities, no API token", () => {
    expect(pod["securityContext"]["runAsNonRoot"]).toBe(true);
    expect(pod["securityContext"]["runAsUser"]).toBeGreaterThan(0);
    expect(pod["securityContext"]["seccompProfile"]).toEqual({ type: "RuntimeDefault" });
    expect(container["securityContext"]).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
    expect(pod["automountServiceAccountToken"]).toBe(false);
  });

  test("the grace period outlasts the server's shutdown timeout, so requests in flight can finish", () => {
    const args = container["args"] as string[];
    const shutdown = parseGoDuration(args[args.indexOf("--shutdown-timeout") + 1] as string);
    expect(pod["terminationGracePeriodSeconds"] * 1000).toBeGreaterThan(shutdown);
    expect(deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"]).toBe(0);
  });

  test("the Service selects the Deployment's pods and targets the named port", () => {
    const labels = deployment["spec"]["template"]["metadata"]["labels"] as Obj;
    for (const [k, v] of Object.entries(service["spec"]["selector"] as Obj)) expect(labels[k]).toBe(v);
    for (const [k, v] of Object.entries(deployment["spec"]["selector"]["matchLabels"] as Obj)) expect(labels[k]).toBe(v);
    expect(service["spec"]["ports"]).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
  });
});

describe("kubectl accepts aicrd.yaml", () => {
  let api: KubeStandin;
  beforeAll(() => {
    api = KubeStandin.start();
    api.addType({ group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true, shortNames: ["deploy"], subresources: ["status"] });
    api.addType({ group: "", version: "v1", resource: "services", kind: "Service", namespaced: true, shortNames: ["svc"], subresources: ["status"] });
  });
  afterAll(() => api.stop());

  test("kubectl create -f aicrd.yaml creates the Deployment and the Service", async () => {
    const { kubeconfigPath } = standinClient(api);
    const home = mkdtempSync(join(tmpdir(), "aicr-kubectl-"));
    const p = Bun.spawn({
      cmd: ["kubectl", "--kubeconfig", kubeconfigPath, "--cache-dir", join(home, "cache"), "create", "--validate=false", "-f", file],
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: home },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out.trim().split("\n")).toEqual(["deployment.apps/aicrd created", "service/aicrd created"]);
    expect(api.object({ group: "apps", version: "v1", resource: "deployments" }, "aicr", "aicrd")?.["spec"].template.spec.containers[0].args[0]).toBe("serve");
  });
});
