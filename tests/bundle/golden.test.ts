/** Golden trees: a training and an inference leaf bundled with the helm deployer, byte for byte. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { goldenCases, readTree, removeDir, SPAWNING_TEST_TIMEOUT_MS } from "./helpers.ts";
import { generate, goldenDir, modesText, readModes, type GoldenCase } from "./golden.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const parents: string[] = [];
afterAll(() => parents.forEach(removeDir));

describe("golden bundles (helm deployer)", () => {
  for (const name of Object.keys(goldenCases) as GoldenCase[]) {
    test(`${name}: the generated tree matches tests/fixtures/bundle/golden/${name}`, () => {
      const { dir, parent } = generate(name);
      parents.push(parent);
      const got = readTree(dir);
      const want = readTree(goldenDir(name));
      expect([...got.files.keys()]).toEqual([...want.files.keys()]);
      for (const [path, text] of want.files) expect(got.files.get(path), path).toBe(text);
      expect(modesText(got.modes)).toBe(readModes(name));
    });

    test(`${name}: bundling twice gives the same bytes`, () => {
      const a = generate(name);
      const b = generate(name);
      parents.push(a.parent, b.parent);
      expect(readTree(a.dir).files).toEqual(readTree(b.dir).files);
    });
  }

  test("the training leaf: folders in deployment order, mixed components get a -post local chart", () => {
    const files = readTree(goldenDir("training")).files;
    const folders = [...new Set([...files.keys()].filter((p) => /^\d{3}-/.test(p)).map((p) => p.split("/")[0]))];
    expect(folders).toEqual([
      "001-aws-ebs-csi-driver",
      "002-aws-efa",
      "003-cert-manager",
      "004-kube-prometheus-stack",
      "005-k8s-ephemeral-storage-metrics",
      "006-prometheus-adapter",
      "007-skyhook-operator",
      "008-skyhook-customizations",
      "009-gpu-operator",
      "010-gpu-operator-post",
      "011-kai-scheduler",
      "012-kubeflow-trainer",
      "013-kubeflow-trainer-post",
      "014-nvidia-dra-driver-gpu",
      "015-nvsentinel",
    ]);
    // upstream-helm folders have no Chart.yaml; local-helm folders have Chart.yaml and templates/.
    expect(files.has("009-gpu-operator/Chart.yaml")).toBe(false);
    expect(files.has("009-gpu-operator/upstream.env")).toBe(true);
    expect(files.has("010-gpu-operator-post/Chart.yaml")).toBe(true);
    expect(files.has("010-gpu-operator-post/templates/dcgm-exporter.yaml")).toBe(true);
    expect(files.has("008-skyhook-customizations/templates/tuning.yaml")).toBe(true);
    expect(files.has("008-skyhook-customizations/upstream.env")).toBe(false);
    for (const f of ["README.md", "deploy.sh", "undeploy.sh", "recipe.yaml", "checksums.txt"]) expect(files.has(f)).toBe(true);
  });

  test("rendered manifests lose their install/upgrade hook annotations", () => {
    const files = readTree(goldenDir("training")).files;
    const tuning = files.get("008-skyhook-customizations/templates/tuning.yaml") as string;
    expect(tuning).toContain("kind: Skyhook");
    expect(tuning).not.toContain("helm.sh/hook");
    expect(tuning).not.toContain("{{");
    const inference = readTree(goldenDir("inference")).files;
    const gateway = [...inference.entries()].find(([p]) => p.endsWith("templates/inference-gateway.yaml"))?.[1] as string;
    expect(gateway).toContain("kind: Gateway");
    expect(gateway).not.toContain("helm.sh/hook");
  });
});
