import { describe, expect, test } from "bun:test";
import type { Measurement } from "../../core/schema/snapshot.ts";
import { createCollectors } from "../../agent/collector.ts";
import { isSecretName, REDACTED, redactEnvironment, redactMeasurements, redactText } from "../../agent/redact.ts";
import { serializeSnapshot } from "../../agent/snapshot-format.ts";
import { takeSnapshot } from "../../agent/snapshot.ts";
import { dataOf, envWith, host } from "./helpers.ts";

const SECRETS = ["c3dLq9Xv0ZkP2mB7nR4tY8wE1uI6oA5sD3fG0hJ", "Pr0xyPassw0rd", "07401b.f395accd246ae52d"];

const snapshotOf = async (noRedact: boolean) =>
  takeSnapshot({ collectors: await createCollectors(), hostRoot: host("ubuntu-24.04"), env: envWith(), noRedact });

describe("redaction in a snapshot", () => {
  test("kubelet secrets never reach the output; the readings and variable names stay", async () => {
    const doc = await snapshotOf(false);
    const kubelet = dataOf(doc.measurements.find((m) => m.type === "SystemD"), "kubelet.service");
    expect(kubelet["Environment"]).toBe(
      "KUBELET_KUBECONFIG_ARGS=<redacted> KUBELET_CONFIG_ARGS=<redacted> AWS_SECRET_ACCESS_KEY=<redacted> HTTPS_PROXY=<redacted>",
    );
    expect(kubelet["EnvironmentFiles"]).toBe(REDACTED);
    expect(kubelet["ExecStartPre"]).toContain("--api-server=https://10.0.0.10:6443 --token=<redacted> --ca-cert-hash sha256:");
    expect(doc.status.redacted).toEqual([
      "SystemD.kubelet.service.Environment",
      "SystemD.kubelet.service.EnvironmentFiles",
      "SystemD.kubelet.service.ExecStartPre",
    ]);
    for (const format of ["yaml", "json"] as const) {
      const text = serializeSnapshot(doc, format);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    // Unrelated readings are untouched.
    expect(dataOf(doc.measurements.find((m) => m.type === "SystemD"), "containerd.service")["ExecStart"]).toContain("argv[]=/usr/bin/containerd");
  });

  test("noRedact keeps everything and lists nothing", async () => {
    const doc = await snapshotOf(true);
    const text = serializeSnapshot(doc, "yaml");
    for (const secret of SECRETS) expect(text).toContain(secret);
    expect(doc.status.redacted).toEqual([]);
  });

  test("a host without secrets has an empty redaction list", async () => {
    const doc = await takeSnapshot({ collectors: await createCollectors(), hostRoot: host("cos"), env: envWith() });
    expect(doc.status.redacted).toEqual(["SystemD.kubelet.service.EnvironmentFiles"]);
    const doc2 = await takeSnapshot({ collectors: await createCollectors(), hostRoot: host("ubuntu-22.04"), env: envWith() });
    expect(doc2.status.redacted).toEqual([]);
  });
});

describe("what counts as a secret", () => {
  test("secrets inside text are replaced, the rest is kept", () => {
    expect(redactText("kubelet --token=abc123 --v=2")).toBe("kubelet --token=<redacted> --v=2");
    expect(redactText("tool --password hunter2 --user admin")).toBe("tool --password <redacted> --user admin");
    expect(redactText("AWS_SECRET_ACCESS_KEY=abc AWS_REGION=us-east-1")).toBe("AWS_SECRET_ACCESS_KEY=<redacted> AWS_REGION=us-east-1");
    expect(redactText('{"apiKey": "k-123", "region": "x"}')).toBe('{"apiKey": "<redacted>", "region": "x"}');
    expect(redactText('[{"name":"NGC_API_KEY","value":"nvapi-xyz"},{"name":"LOG_LEVEL","value":"debug"}]')).toBe(
      '[{"name":"NGC_API_KEY","value":"<redacted>"},{"name":"LOG_LEVEL","value":"debug"}]',
    );
    expect(redactText("proxy http://user:s3cret@proxy:3128 ok")).toBe("proxy http://user:<redacted>@proxy:3128 ok");
    expect(redactText("Authorization: Bearer abcdefghijklmnop")).toBe("Authorization: Bearer <redacted>");
    expect(redactText("id AKIAIOSFODNN7EXAMPLE here")).toBe("id <redacted> here");
    expect(redactText("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl end")).toBe("jwt <redacted> end");
    expect(redactText("kubeadm join --discovery-token-unsafe-skip-ca-verification abcdef.0123456789abcdef")).toBe(
      "kubeadm join --discovery-token-unsafe-skip-ca-verification <redacted>",
    );
  });

  test("settings that only point at secrets, and ordinary text, are kept", () => {
    for (const s of [
      "--tls-private-key-file=/etc/kubernetes/pki/kubelet.key",
      "--image-credential-provider-config /etc/eks/image-credential-provider/config.json",
      "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
      "--token-ttl=24h",
      "https://kubernetes.io/docs/",
      "cap_chown cap_dac_override",
      "nvidia.com/gpu.present=true",
    ]) {
      expect(redactText(s)).toBe(s);
    }
  });

  test("setting names", () => {
    for (const n of ["token", "--token", "password", "AWS_SECRET_ACCESS_KEY", "clientSecret", "apiKey", "api-key", "PRIVATE_KEY", "credentials", "key"]) {
      expect(isSecretName(n)).toBe(true);
    }
    for (const n of ["KeyringMode", "/proc/sys/kernel/keys/maxkeys", "token-file", "secretName", "keys", "monkey", "hotkey", "gpu.uuid", "Environment"]) {
      expect(isSecretName(n)).toBe(false);
    }
  });

  test("environment lists keep names and quoting-free values", () => {
    expect(redactEnvironment('A=1 "B=x y" C= D')).toBe("A=<redacted> B=<redacted> C=<redacted> D");
  });

  test("readings named like secrets are replaced whole; booleans and image names are kept", () => {
    const ms: Measurement[] = [
      { type: "K8s", subtypes: [{ subtype: "policy", data: { "driver.licensingConfig.secretName": "lic", "validator.token": "t0k", "mig.strategy": "single" } }] },
      { type: "K8s", subtypes: [{ subtype: "image", data: { "vault-secret-operator": "v1.2", pause: "3.9" } }] },
      { type: "SystemD", subtypes: [{ subtype: "x.service", data: { PasswordAuthentication: true, Environment: "" } }] },
      { type: "SystemD" },
    ];
    const { measurements, redacted } = redactMeasurements(ms);
    expect(measurements[0]?.subtypes?.[0]?.data).toEqual({ "driver.licensingConfig.secretName": "lic", "validator.token": REDACTED, "mig.strategy": "single" });
    expect(measurements[1]?.subtypes?.[0]?.data).toEqual({ "vault-secret-operator": "v1.2", pause: "3.9" });
    expect(measurements[2]?.subtypes?.[0]?.data).toEqual({ PasswordAuthentication: true, Environment: "" });
    expect(measurements[3]).toEqual({ type: "SystemD" });
    expect(redacted).toEqual(["K8s.policy.validator.token"]);
  });
});
