/**
 * Snapshot templates (snapshot-bundle-api A3.9): the Snapshot seen with Go field names, and the example
 * report template recipes/templates/snapshot-report.md.tmpl rendered for three kinds of snapshot.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseTemplate, snapshotTemplateData, sprigFunctions } from "../../core/template/index.ts";
import { parseByName } from "../../core/yaml.ts";
import { render, renderError } from "./helpers.ts";

const fixture = (name: string) => {
  const text = readFileSync(join(import.meta.dir, "fixtures", name), "utf8");
  return snapshotTemplateData(parseByName(text, name).value);
};

const example = {
  kind: "Snapshot",
  apiVersion: "aicr.nvidia.com/v1alpha1",
  metadata: { "source-node": "node-a", timestamp: "2026-01-03T10:30:05Z" },
  measurements: [
    { type: "GPU", subtypes: [{ subtype: "smi", data: { "gpu-count": 8, driver: "570.86.15", ratio: 0.5, mig: false } }] },
    { type: "SystemD" },
    { type: "K8s", subtypes: [{ subtype: "server", data: { version: null, nested: { b: 1, a: [2] } }, context: { source: "api" } }] },
  ],
};

describe("snapshot template data", () => {
  test("the upstream example fragment", () => {
    const t = '{{ range .Measurements }}{{ if eq .Type.String "GPU" }}{{ range .Subtypes }}GPUs={{ (index .Data "gpu-count").String }}{{ end }}{{ end }}{{ end }}';
    expect(render(t, snapshotTemplateData(example))).toBe("GPUs=8");
  });

  test("header fields, measurement types as Stringers, subtypes, readings", () => {
    const data = snapshotTemplateData(example);
    expect(render("{{ .Kind }} {{ .APIVersion }} {{ index .Metadata \"source-node\" }} {{ len .Measurements }}", data)).toBe(
      "Snapshot aicr.nvidia.com/v1alpha1 node-a 3",
    );
    expect(render('{{ range .Measurements }}{{ .Type }}={{ eq .Type "GPU" }}/{{ len .Subtypes }} {{ end }}', data)).toBe("GPU=true/1 SystemD=false/0 K8s=false/1 ");
    const gpu = '{{ with index .Measurements 0 }}{{ with index .Subtypes 0 }}{{ .Name }}: {{ range $k, $v := .Data }}{{ $k }}={{ $v }}({{ kindOf $v.Any }}) {{ end }}{{ end }}{{ end }}';
    expect(render(gpu, data)).toBe("smi: driver=570.86.15(string) gpu-count=8(int) mig=false(bool) ratio=0.5(float64) ");
    expect(render('{{ $d := (index (index .Measurements 0).Subtypes 0).Data }}{{ add (index $d "gpu-count").V 1 }} {{ (index $d "ratio").String }}', data)).toBe("9 0.5");
  });

  test("Metadata and Context are map[string]string: index of a missing key is the empty string", () => {
    const data = snapshotTemplateData(example);
    expect(render('[{{ index .Metadata "version" }}] [{{ .Metadata.version }}] [{{ (index (index .Measurements 0).Subtypes 0).Data | len }}] [{{ index (index (index .Measurements 2).Subtypes 0).Context "nope" }}]', data)).toBe("[] [<no value>] [4] []");
  });

  test("readings decode as upstream reads a snapshot back: null is <nil>, nested values their %v text", () => {
    const data = snapshotTemplateData(example);
    const t = '{{ with index (index .Measurements 2).Subtypes 0 }}{{ (index .Data "version").String }} {{ (index .Data "nested").String }} {{ .Context.source }}{{ end }}';
    expect(render(t, data)).toBe("<nil> map[a:[2] b:1] api");
  });

  test("Go field names only: lower-case or unknown names are errors naming the Go type", () => {
    const data = snapshotTemplateData(example);
    expect(renderError("{{ .kind }}", data)).toBe('template: t:1:4: executing "t" at <.kind>: can\'t evaluate field kind in type *snapshotter.Snapshot');
    expect(renderError("{{ range .Measurements }}{{ .Name }}{{ end }}", data)).toBe(
      'template: t:1:29: executing "t" at <.Name>: can\'t evaluate field Name in type *measurement.Measurement',
    );
    expect(renderError('{{ eq (index (index (index .Measurements 0).Subtypes 0).Data "driver") "570.86.15" }}', data)).toMatch(
      /error calling eq: incompatible types for comparison$/,
    );
  });

  test("toYaml and toJson of the data give back the document", () => {
    const data = snapshotTemplateData({ kind: "Snapshot", apiVersion: "v1", measurements: [{ type: "GPU", subtypes: [{ subtype: "smi", data: { "gpu-count": 2 } }] }, { type: "SystemD" }] });
    expect(render("{{ toYaml . }}", data)).toBe(
      "kind: Snapshot\napiVersion: v1\nmeasurements:\n    - type: GPU\n      subtypes:\n        - subtype: smi\n          data:\n            gpu-count: 2\n    - type: SystemD",
    );
    expect(render("{{ toJson (index .Measurements 0) }}", data)).toBe('{"type":"GPU","subtypes":[{"subtype":"smi","data":{"gpu-count":2}}]}');
  });
});

describe("recipes/templates/snapshot-report.md.tmpl", () => {
  const templatePath = join(import.meta.dir, "../../recipes/templates/snapshot-report.md.tmpl");
  const report = parseTemplate(readFileSync(templatePath, "utf8"), "snapshot");

  test("it uses only Go built-ins and Sprig, so upstream's `snapshot --template` can run it too", () => {
    expect(() => parseTemplate(readFileSync(templatePath, "utf8"), "snapshot", { base: "builtin", functions: sprigFunctions })).not.toThrow();
  });

  test("a GPU node", () => {
    expect(report.execute(fixture("snapshot-gpu-node.yaml"))).toBe(`# Cluster report: ip-10-0-1-23.ec2.internal

| Item | Value |
|------|-------|
| Snapshot taken | 2026-01-03T10:30:05Z |
| AICR version | 0.11.1 |
| Operating system | Ubuntu 22.04.4 LTS |
| Kernel | 6.8.0-1015-aws |
| Kubernetes | v1.30.4-eks-a737599 |
| Kubelet | v1.30.4-eks-a737599 |
| Container runtime | containerd://1.7.20 |
| Provider | eks |

## GPUs

| Model | Count | Architecture | Driver | CUDA |
|-------|-------|--------------|--------|------|
| NVIDIA H100 80GB HBM3 | 8 | Hopper | 570.86.15 | 12.8 |

NVIDIA kernel modules: nvidia, nvidia_modeset, nvidia_uvm

## Key sysctls

| Setting | Value |
|---------|-------|
| \`kernel.numa_balancing\` | 0 |
| \`kernel.pid_max\` | 4194304 |
| \`vm.swappiness\` | 60 |
| \`vm.max_map_count\` | 262144 |
| \`vm.nr_hugepages\` | 0 |
| \`fs.file-max\` | 9223372036854775807 |

## Measurements

- K8s: server (3), image (2), policy (2), node (10)
- SystemD: containerd.service (3)
- OS: grub (3), sysctl (7), kmod (4), release (3)
- GPU: smi (5)
- NodeTopology: summary (3)
`);
  });

  test("a CPU node: no GPU found, missing sysctls shown as n/a", () => {
    const out = report.execute(fixture("snapshot-cpu-node.yaml"));
    expect(out).toStartWith("# Cluster report: kind-worker\n");
    expect(out).toContain("| Operating system | Debian GNU/Linux 12 (bookworm) |\n| Kernel | 6.10.14-linuxkit |\n| Kubernetes | v1.32.0 |\n");
    expect(out).toContain("## GPUs\n\nNo GPU found on this node.\n\n## Key sysctls\n");
    expect(out).toContain("| `kernel.numa_balancing` | n/a |\n| `kernel.pid_max` | n/a |\n| `vm.swappiness` | 60 |\n| `vm.max_map_count` | 1048576 |\n");
    expect(out).toEndWith("## Measurements\n\n- K8s: server (3), node (4)\n- OS: sysctl (3), kmod (1), release (3)\n- GPU: smi (1)\n");
  });

  test("a partial snapshot read from JSON: failed collectors, empty node name, no GPU measurement", () => {
    const out = report.execute(fixture("snapshot-partial.json"));
    expect(out).toStartWith("# Cluster report: unknown node\n");
    expect(out).toContain("| AICR version | n/a |\n| Operating system | Red Hat Enterprise Linux 9.4 (Plow) |\n| Kernel | n/a |\n| Kubernetes | n/a |\n");
    expect(out).toContain("## GPUs\n\nNo GPU measurement in this snapshot.\n");
    expect(out).toEndWith("- K8s: server (3), node (0)\n- SystemD: no data\n- OS: release (2)\n");
  });

  test("an empty snapshot still renders", () => {
    const out = report.execute(snapshotTemplateData({ kind: "Snapshot", measurements: [] }));
    expect(out).toStartWith("# Cluster report: unknown node\n");
    expect(out).toEndWith("## Measurements\n\nNo measurements.\n");
  });

  test("a GPU count read back from JSON (a float64 upstream) is still a count", () => {
    const doc = JSON.parse('{"kind":"Snapshot","measurements":[{"type":"GPU","subtypes":[{"subtype":"smi","data":{"gpu-count":2.0,"gpu.model":"NVIDIA L4"}}]}]}');
    expect(report.execute(snapshotTemplateData(doc))).toContain("| NVIDIA L4 | 2 | n/a | n/a | n/a |\n\nNVIDIA kernel modules: none loaded\n");
  });
});
