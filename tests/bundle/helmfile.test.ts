/**
 * The helmfile deployer: golden trees, determinism, helmfile.yaml against its schema, `needs` against the
 * recipe's dependency graph, --set / --dynamic in the output, and the CLI with `aicr verify`.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { helmfileProblems, type HelmfileDocument } from "../../core/bundle/deployers/helmfile/schema.ts";
import type { FileTree } from "../../core/bundle/file-tree.ts";
import type { RecipeResult } from "../../core/recipe/result.ts";
import { aicr, bundleOf, goldenCases, loadRecipe, parseValues, readTree, recipePath, removeDir, SPAWNING_TEST_TIMEOUT_MS, tempDir } from "./helpers.ts";
import { generate, goldenDir, goldenName, modesText, readModes, type GoldenCase } from "./golden.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const parents: string[] = [];
afterAll(() => parents.forEach(removeDir));

const leaves = Object.keys(goldenCases) as GoldenCase[];

/** `aicr bundle --deployer helmfile` of a leaf with extra arguments, through the CLI (the caller removes `parent`). */
function cliBundle(leaf: GoldenCase, extra: string[]): { dir: string; parent: string; stdout: string } {
  const parent = tempDir("aicr-helmfile-");
  const dir = join(parent, "bundle");
  const r = aicr(["bundle", "-r", recipePath(goldenCases[leaf]), "-o", dir, "--deployer", "helmfile", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return { dir, parent, stdout: r.stdout };
}
const recipes = Object.fromEntries(leaves.map((l) => [l, loadRecipe(goldenCases[l])])) as Record<GoldenCase, RecipeResult>;
const helmfileOf = (tree: FileTree): HelmfileDocument => parse(tree.get("helmfile.yaml")?.content as string) as HelmfileDocument;
const bundle = (leaf: GoldenCase, raw: Parameters<typeof bundleOf>[1] = {}) => bundleOf(recipes[leaf], { deployer: "helmfile", ...raw }).tree;

/**
 * What the recipe says each release needs, computed from the componentRefs alone: a component's release
 * needs the last release of each component in its dependencyRefs (`-post` for a chart with manifests);
 * a `-post` release needs its chart release.
 */
function expectedNeeds(recipe: RecipeResult): Map<string, string[]> {
  const refs = new Map(recipe.componentRefs.map((r) => [r.name, r]));
  const mixed = (name: string) => (refs.get(name)?.source ?? "") !== "" && (refs.get(name)?.manifestFiles ?? []).length > 0;
  const ns = (name: string) => refs.get(name)?.namespace as string;
  const last = (name: string) => `${ns(name)}/${mixed(name) ? `${name}-post` : name}`;
  const out = new Map<string, string[]>();
  for (const r of recipe.componentRefs) {
    out.set(r.name, (r.dependencyRefs ?? []).filter((d) => refs.has(d)).map(last).sort());
    if (mixed(r.name)) out.set(`${r.name}-post`, [`${ns(r.name)}/${r.name}`]);
  }
  return out;
}

describe("helmfile deployer: golden trees", () => {
  for (const leaf of leaves) {
    test(`${leaf}: the CLI output matches tests/fixtures/bundle/golden/${leaf}-helmfile`, () => {
      const { dir, parent } = generate(leaf, "helmfile");
      parents.push(parent);
      const got = readTree(dir);
      const want = readTree(goldenDir(goldenName(leaf, "helmfile")));
      expect(want.files.size).toBeGreaterThan(0);
      expect([...got.files.keys()]).toEqual([...want.files.keys()]);
      for (const [path, text] of want.files) expect(got.files.get(path), path).toBe(text);
      expect(modesText(got.modes)).toBe(readModes(goldenName(leaf, "helmfile")));
    });

    test(`${leaf}: same inputs, same bytes`, () => {
      const a = bundle(leaf, { dynamic: ["gpu-operator:driver.version"], set: ["cert-manager:replicaCount=2"] });
      const b = bundle(leaf, { dynamic: ["gpu-operator:driver.version"], set: ["cert-manager:replicaCount=2"] });
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [path, f] of a) expect(b.get(path)?.content, path).toBe(f.content);
    });
  }

  test("the tree: helmfile.yaml, README.md, checksums.txt and the NNN folders (values only, no scripts)", () => {
    const files = readTree(goldenDir(goldenName("training", "helmfile"))).files;
    const top = [...new Set([...files.keys()].map((p) => p.split("/")[0]))].filter((p) => !/^\d{3}-/.test(p as string));
    expect(top).toEqual(["README.md", "checksums.txt", "helmfile.yaml"]);
    expect([...files.keys()].filter((p) => p.startsWith("009-gpu-operator/"))).toEqual(["009-gpu-operator/cluster-values.yaml", "009-gpu-operator/values.yaml"]);
    expect(files.has("010-gpu-operator-post/Chart.yaml")).toBe(true);
    expect(files.has("010-gpu-operator-post/templates/dcgm-exporter.yaml")).toBe(true);
    expect([...files.keys()].some((p) => p.endsWith(".sh") || p.endsWith("upstream.env") || p === "recipe.yaml")).toBe(false);
    // The values files are the helm deployer's, byte for byte.
    const helm = readTree(goldenDir("training")).files;
    for (const [path, text] of files) if (/^\d{3}-/.test(path)) expect(helm.get(path), path).toBe(text);
  });
});

describe("helmfile.yaml", () => {
  for (const leaf of leaves) {
    test(`${leaf}: validates against the helmfile schema, one release per folder in folder order`, () => {
      const tree = bundle(leaf);
      const text = tree.get("helmfile.yaml")?.content as string;
      expect(text).toStartWith("# Generated by AICR 0.11.1.");
      expect(text).not.toContain("---");
      expect(text).not.toContain("{{");
      const doc = helmfileOf(tree);
      expect(helmfileProblems(doc)).toEqual([]);
      const folders = [...new Set([...tree.keys()].filter((p) => /^\d{3}-/.test(p)).map((p) => p.split("/")[0] as string))];
      expect(doc.releases.map((r) => r.name)).toEqual(folders.map((f) => f.slice(4)));
      expect(doc.helmDefaults).toEqual({ wait: true, timeout: 600, createNamespace: true });
    });

    test(`${leaf}: charts come from declared repositories (OCI as host/path with oci: true) or the folder`, () => {
      const tree = bundle(leaf);
      const doc = helmfileOf(tree);
      const repos = new Map((doc.repositories ?? []).map((r) => [r.name, r]));
      const refs = new Map(recipes[leaf].componentRefs.map((r) => [r.name, r]));
      for (const [i, r] of doc.releases.entries()) {
        const dir = `${String(i + 1).padStart(3, "0")}-${r.name}`;
        expect(r.values?.[0]).toBe(`./${dir}/values.yaml`);
        for (const v of r.values ?? []) expect(tree.has(v.slice(2)), v).toBe(true);
        if (r.chart.startsWith("./")) {
          expect(r.chart).toBe(`./${dir}`);
          expect(tree.has(`${dir}/Chart.yaml`)).toBe(true);
          expect(r.version).toBeUndefined();
          expect(r.disableValidation).toBe(true);
          continue;
        }
        const ref = refs.get(r.name);
        const [alias, chart] = r.chart.split("/");
        const repo = repos.get(alias as string);
        expect(chart).toBe(ref?.chart as string);
        expect(r.version).toBe(ref?.version as string);
        if (ref?.source?.startsWith("oci://")) expect(repo).toEqual({ name: alias as string, url: ref.source.slice(6), oci: true });
        else expect(repo).toEqual({ name: alias as string, url: ref?.source as string });
      }
      const used = new Set(doc.releases.map((r) => r.chart.split("/")[0]));
      expect((doc.repositories ?? []).every((r) => used.has(r.name))).toBe(true);
      expect((doc.repositories ?? []).map((r) => r.name)).toEqual([...(doc.repositories ?? []).map((r) => r.name)].sort());
    });

    test(`${leaf}: needs follow the recipe's dependency graph, as <namespace>/<release>`, () => {
      const doc = helmfileOf(bundle(leaf));
      const want = expectedNeeds(recipes[leaf]);
      for (const r of doc.releases) expect([...(r.needs ?? [])].sort(), r.name).toEqual(want.get(r.name) as string[]);
      // A release only needs releases listed before it (folder order is a valid install order).
      const seen = new Set<string>();
      for (const r of doc.releases) {
        for (const n of r.needs ?? []) expect(seen.has(n), `${r.name} needs ${n}`).toBe(true);
        seen.add(`${r.namespace}/${r.name}`);
      }
    });
  }

  test("kai-scheduler is not waited for and gets a longer timeout; other releases use the defaults", () => {
    const doc = helmfileOf(bundle("training"));
    const kai = doc.releases.find((r) => r.name === "kai-scheduler");
    expect(kai?.wait).toBe(false);
    expect(kai?.timeout).toBe(1200);
    const rest = doc.releases.filter((r) => r.name !== "kai-scheduler");
    expect(rest.every((r) => r.wait === undefined && r.timeout === undefined && r.createNamespace === undefined)).toBe(true);
  });

  test("the schema has teeth: unknown keys, schemes on OCI URLs, undeclared repositories and dangling needs are rejected", () => {
    const good = helmfileOf(bundle("training"));
    expect(helmfileProblems(good)).toEqual([]);
    const broken = (edit: (d: HelmfileDocument & Record<string, unknown>) => void) => {
      const d = structuredClone(good) as HelmfileDocument & Record<string, unknown>;
      edit(d);
      return helmfileProblems(d);
    };
    expect(broken((d) => (d["atomic"] = true))).not.toEqual([]);
    expect(broken((d) => ((d.releases[0] as Record<string, unknown>)["wait"] = true))).not.toEqual([]);
    expect(broken((d) => ((d.repositories ?? []).find((r) => r.oci) as { url: string }).url = "oci://ghcr.io/nvidia")).toEqual([
      expect.stringContaining("without a scheme"),
    ]);
    expect(broken((d) => ((d.releases[0] as { chart: string }).chart = "nowhere/chart"))).toEqual([expect.stringContaining("undeclared repository")]);
    expect(broken((d) => ((d.releases[1] as { needs?: string[] }).needs = ["kube-system/missing"]))).toEqual([
      expect.stringContaining("not a release of this file"),
    ]);
    expect(broken((d) => d.releases.push(structuredClone(d.releases[0] as never)))).toEqual([expect.stringContaining("declared twice")]);
  });
});

describe("--set and --dynamic", () => {
  test("--set lands in values.yaml; a value holding {{ stays literal and helmfile.yaml stays plain", () => {
    const tree = bundle("training", { set: ["cert-manager:podAnnotations.note={{ .Release.Name }}", "gpuoperator:driver.enabled=false"] });
    const cm = parseValues(tree.get("003-cert-manager/values.yaml")?.content as string);
    expect((cm["podAnnotations"] as Record<string, unknown>)["note"]).toBe("{{ .Release.Name }}");
    expect((parseValues(tree.get("009-gpu-operator/values.yaml")?.content as string)["driver"] as Record<string, unknown>)["enabled"]).toBe(false);
    expect(tree.get("helmfile.yaml")?.content).not.toContain("{{");
  });

  test("--dynamic moves the path to cluster-values.yaml, listed after values.yaml for that component's releases only", () => {
    const tree = bundle("training", { dynamic: ["gpuoperator:driver.version", "cert-manager:clusterName"] });
    const doc = helmfileOf(tree);
    expect(helmfileProblems(doc)).toEqual([]);
    const values = (name: string) => doc.releases.find((r) => r.name === name)?.values;
    expect(values("gpu-operator")).toEqual(["./009-gpu-operator/values.yaml", "./009-gpu-operator/cluster-values.yaml"]);
    expect(values("gpu-operator-post")).toEqual(["./010-gpu-operator-post/values.yaml", "./010-gpu-operator-post/cluster-values.yaml"]);
    expect(values("cert-manager")).toEqual(["./003-cert-manager/values.yaml", "./003-cert-manager/cluster-values.yaml"]);
    expect(values("kai-scheduler")).toEqual(["./011-kai-scheduler/values.yaml"]);
    const dyn = parseValues(tree.get("009-gpu-operator/cluster-values.yaml")?.content as string);
    expect(typeof (dyn["driver"] as Record<string, unknown>)["version"]).toBe("string");
    expect((parseValues(tree.get("009-gpu-operator/values.yaml")?.content as string)["driver"] as Record<string, unknown>)["version"]).toBeUndefined();
    // An absent path becomes an empty string to fill in.
    expect(parseValues(tree.get("003-cert-manager/cluster-values.yaml")?.content as string)).toEqual({ clusterName: "" });
    const readme = tree.get("README.md")?.content as string;
    expect(readme).toContain("- `009-gpu-operator/cluster-values.yaml`: `driver.version`");
    expect(readme).toContain("- `003-cert-manager/cluster-values.yaml`: `clusterName`");
  });

  test("without --dynamic no release lists cluster-values.yaml (the header-only files are still there)", () => {
    const tree = bundle("inference");
    expect(helmfileOf(tree).releases.every((r) => r.values?.length === 1)).toBe(true);
    expect(tree.get("001-aws-ebs-csi-driver/cluster-values.yaml")?.content).toBe("# Generated by AICR\n---\n");
  });
});

describe("dependency graph errors", () => {
  test("circular dependencies between components are rejected", () => {
    const recipe = structuredClone(recipes.training);
    const cm = recipe.componentRefs.find((r) => r.name === "cert-manager");
    if (cm) cm.dependencyRefs = ["gpu-operator"];
    expect(() => bundleOf(recipe, { deployer: "helmfile" })).toThrow(/circular dependencies between components \((cert-manager|gpu-operator) -> .*\)/);
  });

  test("a dependency on a component dropped with --set enabled=false is satisfied", () => {
    const doc = helmfileOf(bundle("training", { set: ["skyhookcustomizations:enabled=false"] }));
    expect(doc.releases.find((r) => r.name === "gpu-operator")?.needs).toEqual(["cert-manager/cert-manager", "monitoring/kube-prometheus-stack"]);
    expect(helmfileProblems(doc)).toEqual([]);
  });
});

describe("aicr bundle --deployer helmfile (CLI)", () => {
  test("writes the tree, prints the helmfile steps, and aicr verify passes on it", () => {
    const { dir, parent, stdout } = cliBundle("inference", ["--dynamic", "gpuoperator:driver.version", "--set", "certmanager:replicaCount=3"]);
    parents.push(parent);
    expect(stdout).toStartWith("\nHelmfile bundle generated successfully!\n");
    expect(stdout).toEndWith(
      `To deploy:\n  1. cd ${dir}\n  2. fill in the cluster-values.yaml files listed in README.md\n  3. helmfile diff   # preview changes\n  4. helmfile apply  # install or upgrade\n`,
    );
    const doc = parse(readFileSync(join(dir, "helmfile.yaml"), "utf8")) as HelmfileDocument;
    expect(helmfileProblems(doc)).toEqual([]);
    expect(doc.releases.find((r) => r.name === "gpu-operator")?.values).toEqual(["./014-gpu-operator/values.yaml", "./014-gpu-operator/cluster-values.yaml"]);
    expect(parseValues(readFileSync(join(dir, "003-cert-manager/values.yaml"), "utf8"))["replicaCount"]).toBe(3);
    expect(existsSync(join(dir, "deploy.sh"))).toBe(false);

    const ok = aicr(["verify", dir]);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    writeFileSync(join(dir, "helmfile.yaml"), `${readFileSync(join(dir, "helmfile.yaml"), "utf8")}# edited\n`);
    const bad = aicr(["verify", dir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain("helmfile.yaml");
  });
});
