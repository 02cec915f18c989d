/**
 * The argocd-helm deployer: golden trees, determinism, the chart (Chart.yaml, values.yaml, static values),
 * and its templates rendered with our Go template engine (Sprig, as Helm would) into Applications that
 * validate with the Argo CD models, keep the sync waves and take their values at install time.
 * Through the CLI: the tree is written and `aicr verify` passes.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { join } from "node:path";
import { parse } from "yaml";
import type { FileTree } from "../../core/bundle/file-tree.ts";
import { ErrorCode } from "../../core/errors.ts";
import type { RecipeResult } from "../../core/recipe/result.ts";
import { goStruct, parseTemplate } from "../../core/template/index.ts";
import { generate, goldenDir, goldenName, modesText, readModes, type GoldenCase } from "./golden.ts";
import { aicr, bundleOf, goldenCases, loadRecipe, parseValues, readTree, recipePath, removeDir, SPAWNING_TEST_TIMEOUT_MS, tempDir } from "./helpers.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const root = tempDir("aicr-argocd-helm-");
afterAll(() => removeDir(root));
let n = 0;
const fresh = () => join(root, `case-${n++}`);

const OCI = "oci://registry.example.com/platform/charts";
const GIT = "https://git.example.com/platform/gpu-cluster.git";
const cases = Object.keys(goldenCases) as GoldenCase[];

type Values = Record<string, any>;
type App = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; finalizers?: string[] };
  spec: {
    project: string;
    source: Values;
    sources?: Values[];
    destination: { server: string; namespace: string };
    syncPolicy: { automated: { prune: boolean; selfHeal: boolean }; syncOptions?: string[] };
  };
};

const argocdHelm = (file: string, extra: Record<string, unknown> = {}) => bundleOf(loadRecipe(file), { deployer: "argocd-helm", ...extra });
const text = (tree: FileTree, path: string) => {
  const f = tree.get(path);
  if (!f) throw new Error(`${path} is not in the bundle`);
  return f.content;
};
const folderDirs = (tree: FileTree) => [...new Set([...tree.keys()].filter((p) => /^\d{3}-/.test(p)).map((p) => p.split("/")[0] as string))];
const wave = (app: App) => app.metadata.annotations?.["argocd.argoproj.io/sync-wave"];

/** Deep merge, later maps win (what the child templates do with mergeOverwrite). */
function merged(a: Values, b: Values): Values {
  const out: Values = structuredClone(a);
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" ? merged(out[k], v) : v;
  }
  return out;
}

/** The chart's root values.yaml with `overrides` merged over it, as `helm install --set/-f` would. */
const chartValues = (tree: FileTree, overrides: Values): Values => merged(parseValues(text(tree, "values.yaml")), overrides);

/**
 * Render one template of the chart the way Helm does: Sprig functions, `_helpers.tpl` defines, `.Values`,
 * `.Chart`, `.Release` and `.Files.Get` over the chart's files.
 */
function renderChartTemplate(tree: FileTree, path: string, values: Values): string {
  const chart = parse(text(tree, "Chart.yaml")) as { name: string; version: string };
  const data = {
    Values: structuredClone(values),
    Chart: { Name: chart.name, Version: chart.version },
    Release: { Name: "aicr-stack", Namespace: "argocd", Service: "Helm" },
    Files: goStruct("chart.Files", { Get: (p: string) => tree.get(p)?.content ?? "" }),
  };
  const t = parseTemplate(text(tree, "templates/_helpers.tpl"), "templates/_helpers.tpl", { base: "sprig" }).parse(text(tree, path), path);
  return t.executeTemplate(path, data);
}

/** Every Application the chart renders to, by template path (helpers excluded). */
function renderApps(tree: FileTree, values: Values): Map<string, App> {
  const out = new Map<string, App>();
  for (const p of [...tree.keys()].filter((k) => /^templates\/[^/]+\.yaml$/.test(k))) out.set(p, parse(renderChartTemplate(tree, p, values)) as App);
  return out;
}

describe("argocd-helm: golden trees", () => {
  for (const name of cases) {
    test(`${name}: the CLI output matches tests/fixtures/bundle/golden/${goldenName(name, "argocd-helm")}`, () => {
      const { dir, parent } = generate(name, "argocd-helm");
      try {
        const got = readTree(dir);
        const want = readTree(goldenDir(goldenName(name, "argocd-helm")));
        expect(want.files.size).toBeGreaterThan(0);
        expect([...got.files.keys()]).toEqual([...want.files.keys()]);
        for (const [path, content] of want.files) expect(got.files.get(path), path).toBe(content);
        expect(modesText(got.modes)).toBe(readModes(goldenName(name, "argocd-helm")));
      } finally {
        removeDir(parent);
      }
    });

    test(`${name}: bundling twice gives the same bytes`, () => {
      expect(argocdHelm(goldenCases[name]).tree).toEqual(argocdHelm(goldenCases[name]).tree);
    });
  }
});

describe("argocd-helm: the chart", () => {
  const { tree, plan } = argocdHelm(goldenCases.training);

  test("Chart.yaml: the aicr-bundle chart, versioned after the recipe", () => {
    expect(parse(text(tree, "Chart.yaml"))).toEqual({
      apiVersion: "v2",
      name: "aicr-bundle",
      description: expect.any(String),
      type: "application",
      version: "0.11.1",
      appVersion: "0.11.1",
    });
  });

  test("values.yaml: repoURL and targetRevision to set at install time, nothing else without --dynamic", () => {
    expect(parseValues(text(tree, "values.yaml"))).toEqual({ repoURL: "", targetRevision: "" });
  });

  test("templates: the parent, helpers, and one child per folder; static values per upstream chart; the NNN folders", () => {
    const templates = [...tree.keys()].filter((p) => p.startsWith("templates/")).sort();
    const expected = ["templates/_helpers.tpl", "templates/aicr-stack.yaml", ...plan.folders.map((f) => `templates/${f.release}.yaml`)].sort();
    expect(templates).toEqual(expected);
    const statics = [...tree.keys()].filter((p) => p.startsWith("static/"));
    expect(statics.sort()).toEqual(plan.components.filter((c) => c.chart).map((c) => `static/${c.name}.yaml`).sort());
    expect(text(tree, "static/gpu-operator.yaml")).toBe(text(tree, "009-gpu-operator/values.yaml"));
    expect(folderDirs(tree)).toEqual(plan.folders.map((f) => f.dir));
    const paths = [...tree.keys()];
    expect(paths.filter((p) => /\/(application\.yaml|install\.sh|upstream\.env|cluster-values\.yaml)$/.test(p))).toEqual([]);
    for (const gone of ["deploy.sh", "undeploy.sh", "recipe.yaml", "app-of-apps.yaml"]) expect(paths).not.toContain(gone);
    expect(tree.has("010-gpu-operator-post/Chart.yaml")).toBe(true);
    expect(tree.has("010-gpu-operator-post/templates/dcgm-exporter.yaml")).toBe(true);
    for (const f of tree.values()) expect(f.mode).toBe(0o644);
  });

  test("the templates are Helm templates reading repoURL and targetRevision from .Values", () => {
    const helpers = text(tree, "templates/_helpers.tpl");
    expect(helpers).toContain(".Values.repoURL");
    expect(helpers).toContain(".Values.targetRevision");
    expect(text(tree, "templates/aicr-stack.yaml")).toContain('repoURL: {{ include "aicr-bundle.repoURL" . | quote }}');
    expect(text(tree, "templates/gpu-operator-post.yaml")).toContain('repoURL: {{ include "aicr-bundle.repoURL" . | quote }}');
    expect(text(tree, "templates/gpu-operator.yaml")).toContain('.Files.Get "static/gpu-operator.yaml"');
    expect(text(tree, "templates/gpu-operator.yaml")).toContain('index .Values "gpuoperator"');
  });
});

describe("argocd-helm: templates rendered with sample values", () => {
  for (const name of cases) {
    const { tree, plan } = argocdHelm(goldenCases[name]);

    test(`${name}: every rendered Application validates, children keep the sync waves of the deployment order`, () => {
      const apps = renderApps(tree, chartValues(tree, { repoURL: OCI }));
      expect(apps.size).toBe(plan.folders.length + 1);
      for (const [p, app] of apps) {
        expect(app.kind, p).toBe("Application");
        expect(() => new Application(app as never).validate(), p).not.toThrow();
        expect(app.metadata.namespace).toBe("argocd");
        expect(app.metadata.finalizers).toEqual(["resources-finalizer.argocd.argoproj.io"]);
        expect(app.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true", "ServerSideApply=true"] });
      }
      expect(wave(apps.get("templates/aicr-stack.yaml") as App)).toBeUndefined();
      for (const f of plan.folders) {
        const app = apps.get(`templates/${f.release}.yaml`) as App;
        expect(app.metadata.name).toBe(f.release);
        expect(wave(app), f.dir).toBe(String(f.index - 1));
        expect(app.spec.destination).toEqual({ server: "https://kubernetes.default.svc", namespace: f.namespace });
      }
      const byWave = [...apps.values()].filter((a) => wave(a) !== undefined).sort((a, b) => Number(wave(a)) - Number(wave(b)));
      const components = byWave.map((a) => a.metadata.name).filter((x) => !x.endsWith("-post"));
      expect(components).toEqual(loadRecipe(goldenCases[name]).deploymentOrder.filter((c) => components.includes(c)));
    });

    test(`${name}: an oci:// repoURL: the parent and the path-based children fetch the published chart`, () => {
      const apps = renderApps(tree, chartValues(tree, { repoURL: `${OCI}/` }));
      const parent = apps.get("templates/aicr-stack.yaml") as App;
      expect(parent.spec.source).toMatchObject({ repoURL: `${OCI}/aicr-bundle`, targetRevision: "0.11.1", path: "." });
      expect(parent.spec.source["helm"]["valuesObject"]).toEqual(chartValues(tree, { repoURL: `${OCI}/` }));
      let local = 0;
      for (const f of plan.folders.filter((x) => x.kind === "local-helm")) {
        local++;
        const src = (apps.get(`templates/${f.release}.yaml`) as App).spec.source;
        expect(src).toMatchObject({ repoURL: `${OCI}/aicr-bundle`, targetRevision: "0.11.1", path: f.dir });
      }
      expect(local).toBeGreaterThan(0);
      // A repoURL that already names the chart is not extended again.
      const again = renderApps(tree, chartValues(tree, { repoURL: `${OCI}/aicr-bundle` })).get("templates/aicr-stack.yaml") as App;
      expect(again.spec.source["repoURL"]).toBe(`${OCI}/aicr-bundle`);
    });

    test(`${name}: a Git repoURL and targetRevision are used as given`, () => {
      const apps = renderApps(tree, chartValues(tree, { repoURL: GIT, targetRevision: "release-1" }));
      expect((apps.get("templates/aicr-stack.yaml") as App).spec.source).toMatchObject({ repoURL: GIT, targetRevision: "release-1", path: "." });
      for (const f of plan.folders.filter((x) => x.kind === "local-helm")) {
        expect((apps.get(`templates/${f.release}.yaml`) as App).spec.source).toMatchObject({ repoURL: GIT, targetRevision: "release-1", path: f.dir });
      }
    });

    test(`${name}: upstream charts get their bundled values, and install-time values merged over them`, () => {
      const plain = renderApps(tree, chartValues(tree, { repoURL: OCI }));
      const overrides = { replicaCount: 7, crds: { enabled: false }, cainjector: { resources: { limits: { cpu: "1" } } } };
      const overridden = renderApps(tree, chartValues(tree, { repoURL: OCI, certmanager: overrides }));
      for (const f of plan.folders.filter((x) => x.kind === "upstream-helm")) {
        const c = f.component.chart;
        const src = (plain.get(`templates/${f.release}.yaml`) as App).spec.source;
        if (c?.oci) expect(src).toMatchObject({ repoURL: c.reference, path: ".", targetRevision: c.version });
        else expect(src).toMatchObject({ repoURL: c?.repository, chart: c?.name, targetRevision: c?.version.replace(/^v/, "") });
        expect(typeof src["helm"]["values"]).toBe("string");
        expect(parse(src["helm"]["values"]) ?? {}, f.dir).toEqual(parseValues(text(tree, `static/${f.component.name}.yaml`)));
      }
      const cm = parse((overridden.get("templates/cert-manager.yaml") as App).spec.source["helm"]["values"]) as Values;
      expect(cm).toEqual(merged(parseValues(text(tree, "static/cert-manager.yaml")), overrides));
      // Bundled values are replaced where given and kept beside them.
      expect(cm["crds"]).toEqual({ enabled: false });
      expect(cm["cainjector"]["resources"]["limits"]).toEqual({ cpu: "1", memory: "320Mi" });
      // Other components are untouched.
      expect(overridden.get("templates/gpu-operator.yaml")).toEqual(plain.get("templates/gpu-operator.yaml"));
    });
  }

  test("without repoURL the chart refuses to render", () => {
    const { tree } = argocdHelm(goldenCases.training);
    expect(() => renderChartTemplate(tree, "templates/aicr-stack.yaml", chartValues(tree, {}))).toThrow(/repoURL is required/);
    expect(() => renderChartTemplate(tree, "templates/gpu-operator-post.yaml", chartValues(tree, {}))).toThrow(/repoURL is required/);
  });
});

describe("argocd-helm: --dynamic", () => {
  const { tree, plan } = argocdHelm(goldenCases.training, { dynamic: ["gpuoperator:driver.version", "certmanager:nosuch.path"] });

  test("root values.yaml pre-fills the dynamic paths under the override key; static values lose them", () => {
    const values = parseValues(text(tree, "values.yaml"));
    expect(values).toEqual({ repoURL: "", targetRevision: "", certmanager: { nosuch: { path: "" } }, gpuoperator: { driver: { version: "580.105.08" } } });
    const stat = parseValues(text(tree, "static/gpu-operator.yaml")) as Values;
    expect(stat["driver"]["version"]).toBeUndefined();
    expect(stat["driver"]["enabled"]).toBe(true);
    expect(plan.notes.some((x) => x.startsWith("Warning: --dynamic certmanager:nosuch.path") && x.includes('""'))).toBe(true);
    expect(plan.notes.some((x) => x.includes("gpuoperator:driver.version"))).toBe(false);
  });

  test("rendered: the recipe value by default, the install-time value when given", () => {
    const render = (overrides: Values) =>
      parse((renderApps(tree, chartValues(tree, { repoURL: OCI, ...overrides })).get("templates/gpu-operator.yaml") as App).spec.source["helm"]["values"]) as Values;
    expect(render({})["driver"]["version"]).toBe("580.105.08");
    expect(render({ gpuoperator: { driver: { version: "590.1" } } })["driver"]).toMatchObject({ version: "590.1", enabled: true });
  });

  test("a dynamic path on a manifest-only component is noted: its manifests are already rendered", () => {
    const { tree, plan } = argocdHelm(goldenCases.training, { dynamic: ["skyhookcustomizations:tuning.enabled"] });
    expect(parseValues(text(tree, "values.yaml"))["skyhookcustomizations"]).toEqual({ tuning: { enabled: "" } });
    expect(plan.notes.some((x) => x.startsWith("Note: --dynamic on skyhook-customizations: its manifests were rendered when the bundle was built"))).toBe(true);
    const readme = text(tree, "README.md");
    expect(readme).toContain("| `skyhookcustomizations` | `skyhookcustomizations.tuning.enabled` | Values given to the local chart of skyhook-customizations");
    expect(readme).toContain("| `gpuoperator` | - | Values of gpu-operator, merged over `static/gpu-operator.yaml` |");
    expect(plan.notes.some((x) => x.includes("Note: --dynamic on gpu-operator"))).toBe(false);
  });

  test("a dynamic path on a component without a value override key is refused", () => {
    const recipe: RecipeResult = loadRecipe(goldenCases.training);
    const rename = (s: string) => (s === "cert-manager" ? "my-certs" : s);
    recipe.componentRefs = recipe.componentRefs.map((r) => ({ ...r, name: rename(r.name) }));
    recipe.deploymentOrder = recipe.deploymentOrder.map(rename);
    expect(() => bundleOf(recipe, { deployer: "argocd-helm", dynamic: ["my-certs:replicaCount"] })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidRequest, message: expect.stringContaining("has no value override key") }),
    );
    expect(() => bundleOf(recipe, { deployer: "argocd-helm" })).not.toThrow();
  });
});

describe("argocd-helm: options", () => {
  test("--repo is ignored with a note: only the README (which lists the note) changes", () => {
    const a = argocdHelm(goldenCases.inference);
    const b = argocdHelm(goldenCases.inference, { repo: GIT });
    expect(b.plan.notes.some((x) => x.includes(`--repo ${GIT} is ignored`))).toBe(true);
    expect([...a.tree.keys()]).toEqual([...b.tree.keys()]);
    const changed = [...a.tree.keys()].filter((p) => a.tree.get(p)?.content !== b.tree.get(p)?.content);
    expect(changed).toEqual(["README.md", "checksums.txt"]);
    expect(text(b.tree, "README.md")).toContain("is ignored");
  });

  test("a component whose Application would take the parent's name is refused", () => {
    const recipe: RecipeResult = loadRecipe(goldenCases.training);
    const rename = (s: string) => (s === "cert-manager" ? "aicr-stack" : s);
    recipe.componentRefs = recipe.componentRefs.map((r) => ({ ...r, name: rename(r.name) }));
    recipe.deploymentOrder = recipe.deploymentOrder.map(rename);
    expect(() => bundleOf(recipe, { deployer: "argocd-helm" })).toThrow(/reserved for the parent Application/);
  });

  test("a recipe version that is not semantic gives chart version 0.1.0 and a note", () => {
    const recipe: RecipeResult = loadRecipe(goldenCases.training);
    recipe.metadata.version = "nightly";
    const { tree, plan } = bundleOf(recipe, { deployer: "argocd-helm" });
    expect((parse(text(tree, "Chart.yaml")) as { version: string }).version).toBe("0.1.0");
    expect(plan.notes.some((x) => x.includes('"nightly" is not a semantic version'))).toBe(true);
  });
});

describe("aicr bundle --deployer argocd-helm", () => {
  test("writes the chart, says what to do next, and aicr verify passes", () => {
    const out = fresh();
    const r = aicr(["bundle", "-r", recipePath(goldenCases.inference), "-o", out, "--deployer", "argocd-helm", "--dynamic", "gpuoperator:driver.version"]);
    expect(r.code, r.stderr).toBe(0);
    const files = readTree(out).files;
    expect(r.stdout).toStartWith(`\nArgo CD Helm chart generated successfully!\nOutput directory: ${out}\nFiles generated: ${files.size}\n`);
    expect(r.stdout).toContain(`helm package ${out}`);
    expect(parseValues(files.get("values.yaml") as string)["gpuoperator"]).toEqual({ driver: { version: "580.105.08" } });
    expect(files.has("templates/aicr-stack.yaml")).toBe(true);
    expect(files.has("Chart.yaml")).toBe(true);
    const v = aicr(["verify", out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain(`Checksums verified (${files.size - 1} files)`);
    expect(v.stdout).toContain("Bundle verification: PASSED");
  });
});
