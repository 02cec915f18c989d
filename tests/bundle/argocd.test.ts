/**
 * The argocd deployer: golden trees, determinism, the Application objects (validated with the Argo CD
 * models), sync waves in deployment order, repoURLs from --repo (never a template placeholder), and
 * --dynamic refused. Through the CLI: the tree is written and `aicr verify` passes.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { FileTree } from "../../core/bundle/file-tree.ts";
import { ErrorCode } from "../../core/errors.ts";
import type { RecipeResult } from "../../core/recipe/result.ts";
import { generate, GOLDEN_REPO, goldenDir, goldenName, modesText, readModes, type GoldenCase } from "./golden.ts";
import { aicr, bundleOf, expectFailure, goldenCases, loadRecipe, readTree, recipePath, removeDir, SPAWNING_TEST_TIMEOUT_MS, tempDir } from "./helpers.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const root = tempDir("aicr-argocd-");
afterAll(() => removeDir(root));
let n = 0;
const fresh = () => join(root, `case-${n++}`);

const REPO = "https://git.example.com/platform/gpu-cluster.git";
const PLACEHOLDER = "https://github.com/YOUR-ORG/YOUR-REPO.git";
const cases = Object.keys(goldenCases) as GoldenCase[];

type App = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; finalizers?: string[] };
  spec: {
    project: string;
    source?: Record<string, any>;
    sources?: Record<string, any>[];
    destination: { server: string; namespace: string };
    syncPolicy: { automated: { prune: boolean; selfHeal: boolean }; syncOptions?: string[] };
  };
};

const argocd = (file: string, extra: Record<string, unknown> = {}) => bundleOf(loadRecipe(file), { deployer: "argocd", repo: REPO, ...extra });
const text = (tree: FileTree, path: string) => {
  const f = tree.get(path);
  if (!f) throw new Error(`${path} is not in the bundle`);
  return f.content;
};
const folderDirs = (tree: FileTree) => [...new Set([...tree.keys()].filter((p) => /^\d{3}-/.test(p)).map((p) => p.split("/")[0] as string))];
const childApps = (tree: FileTree): [string, App][] => folderDirs(tree).map((d) => [d, parse(text(tree, `${d}/application.yaml`)) as App]);
const wave = (app: App) => app.metadata.annotations?.["argocd.argoproj.io/sync-wave"];

describe("argocd: golden trees", () => {
  for (const name of cases) {
    test(`${name}: the CLI output matches tests/fixtures/bundle/golden/${goldenName(name, "argocd")}`, () => {
      const { dir, parent } = generate(name, "argocd");
      try {
        const got = readTree(dir);
        const want = readTree(goldenDir(goldenName(name, "argocd")));
        expect(want.files.size).toBeGreaterThan(0);
        expect([...got.files.keys()]).toEqual([...want.files.keys()]);
        for (const [path, content] of want.files) expect(got.files.get(path), path).toBe(content);
        expect(modesText(got.modes)).toBe(readModes(goldenName(name, "argocd")));
      } finally {
        removeDir(parent);
      }
    });

    test(`${name}: bundling twice gives the same bytes`, () => {
      expect(argocd(goldenCases[name]).tree).toEqual(argocd(goldenCases[name]).tree);
    });
  }
});

describe("argocd: tree", () => {
  const tree = argocd(goldenCases.training).tree;

  test("the NNN layout without the Helm orchestration files; application.yaml in every folder", () => {
    const paths = [...tree.keys()];
    for (const f of ["README.md", "app-of-apps.yaml", "checksums.txt"]) expect(paths).toContain(f);
    for (const gone of ["deploy.sh", "undeploy.sh", "recipe.yaml"]) expect(paths).not.toContain(gone);
    expect(paths.filter((p) => /\/(install\.sh|upstream\.env|cluster-values\.yaml)$/.test(p))).toEqual([]);
    const dirs = folderDirs(tree);
    // Same folders as the helm deployer.
    expect(dirs).toEqual(folderDirs(bundleOf(loadRecipe(goldenCases.training)).tree));
    for (const d of dirs) {
      expect(tree.has(`${d}/application.yaml`), d).toBe(true);
      expect(tree.has(`${d}/values.yaml`), d).toBe(true);
    }
    expect(tree.has("010-gpu-operator-post/Chart.yaml")).toBe(true);
    expect(tree.has("010-gpu-operator-post/templates/dcgm-exporter.yaml")).toBe(true);
    expect(tree.has("009-gpu-operator/Chart.yaml")).toBe(false);
    for (const f of tree.values()) expect(f.mode).toBe(0o644);
  });

  test("values.yaml and local charts are the ones the helm deployer writes", () => {
    const helm = bundleOf(loadRecipe(goldenCases.training)).tree;
    const shared = [...tree.keys()].filter((p) => /^\d{3}-[^/]+\/(values\.yaml|Chart\.yaml|templates\/.+)$/.test(p));
    expect(shared.length).toBeGreaterThan(folderDirs(tree).length);
    for (const p of shared) expect(text(tree, p), p).toBe(text(helm, p));
  });
});

describe("argocd: Applications", () => {
  for (const name of cases) {
    const { tree, plan } = argocd(goldenCases[name]);
    const apps = childApps(tree);

    test(`${name}: every Application validates with the Argo CD model`, () => {
      const all: [string, App][] = [...apps, ["app-of-apps.yaml", parse(text(tree, "app-of-apps.yaml")) as App]];
      expect(all.length).toBe(plan.folders.length + 1);
      for (const [where, app] of all) {
        expect(app.apiVersion, where).toBe("argoproj.io/v1alpha1");
        expect(app.kind, where).toBe("Application");
        expect(() => new Application(app as never).validate(), where).not.toThrow();
      }
    });

    test(`${name}: sync waves are the deployment order (0-based folder index, as strings)`, () => {
      apps.forEach(([dir, app], i) => {
        expect(wave(app), dir).toBe(String(i));
        expect(dir).toBe(`${String(i + 1).padStart(3, "0")}-${app.metadata.name}`);
      });
      // Components appear in the recipe's deployment order, each -post right after its chart.
      const components = apps.map(([, a]) => a.metadata.name).filter((x) => !x.endsWith("-post"));
      const order = loadRecipe(goldenCases[name]).deploymentOrder.filter((c) => components.includes(c));
      expect(components).toEqual(order);
      for (const [i, [, app]] of apps.entries()) {
        if (app.metadata.name.endsWith("-post")) expect(apps[i - 1]?.[1].metadata.name).toBe(app.metadata.name.replace(/-post$/, ""));
      }
    });

    test(`${name}: common fields: argocd namespace, finalizer, destination, automated sync, sync options`, () => {
      for (const [dir, app] of apps) {
        const folder = plan.folders.find((f) => f.dir === dir);
        expect(app.metadata.namespace).toBe("argocd");
        expect(app.metadata.finalizers).toEqual(["resources-finalizer.argocd.argoproj.io"]);
        expect(app.spec.project).toBe("default");
        expect(app.spec.destination).toEqual({ server: "https://kubernetes.default.svc", namespace: folder?.namespace as string });
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
        expect(app.spec.syncPolicy.syncOptions).toEqual(["CreateNamespace=true", "ServerSideApply=true"]);
      }
    });

    test(`${name}: upstream charts are multi-source with the folder's values from --repo; local charts are path-based`, () => {
      let upstream = 0;
      let local = 0;
      for (const [dir, app] of apps) {
        const folder = plan.folders.find((f) => f.dir === dir);
        if (folder?.kind === "local-helm") {
          local++;
          expect(app.spec.sources).toBeUndefined();
          expect(app.spec.source).toEqual({ repoURL: REPO, targetRevision: "main", path: dir });
          expect(tree.has(`${dir}/Chart.yaml`)).toBe(true);
          continue;
        }
        upstream++;
        expect(app.spec.source).toBeUndefined();
        const [chart, values] = app.spec.sources as [Record<string, any>, Record<string, any>];
        expect(app.spec.sources).toHaveLength(2);
        expect(chart["helm"]).toEqual({ valueFiles: [`$values/${dir}/values.yaml`] });
        expect(tree.has(`${dir}/values.yaml`)).toBe(true);
        expect(values).toEqual({ repoURL: REPO, targetRevision: "main", ref: "values" });
        const c = folder?.component.chart;
        if (c?.oci) {
          expect(chart).toMatchObject({ repoURL: c.reference, path: ".", targetRevision: c.version });
          expect(chart["chart"]).toBeUndefined();
        } else {
          expect(chart).toMatchObject({ repoURL: c?.repository, chart: c?.name, targetRevision: c?.version.replace(/^v/, "") });
        }
      }
      expect(upstream).toBeGreaterThan(0);
      expect(local).toBeGreaterThan(0);
    });

    test(`${name}: app-of-apps.yaml deploys every application.yaml of the repository`, () => {
      const parent = parse(text(tree, "app-of-apps.yaml")) as App;
      expect(parent.metadata.name).toBe("nvidia-stack");
      expect(parent.metadata.namespace).toBe("argocd");
      expect(wave(parent)).toBeUndefined();
      expect(parent.spec.source).toEqual({ repoURL: REPO, targetRevision: "main", path: ".", directory: { recurse: true, include: "*/application.yaml" } });
      expect(parent.spec.destination).toEqual({ server: "https://kubernetes.default.svc", namespace: "argocd" });
      expect(parent.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    });

    test(`${name}: no template placeholder anywhere in the Applications or the README`, () => {
      for (const p of [...tree.keys()].filter((k) => k.endsWith("application.yaml") || k === "app-of-apps.yaml" || k === "README.md")) {
        expect(text(tree, p), p).not.toContain("{{");
        expect(text(tree, p), p).not.toContain("YOUR-ORG");
      }
    });
  }

  test("the sync-wave annotation is written as a quoted string", () => {
    const raw = text(argocd(goldenCases.training).tree, "001-aws-ebs-csi-driver/application.yaml");
    expect(raw).toContain('argocd.argoproj.io/sync-wave: "0"\n');
  });

  test("the model check has teeth: an Application without a project or with a numeric repoURL is rejected", () => {
    const [, app] = childApps(argocd(goldenCases.training).tree)[0] as [string, App];
    expect(() => new Application({ ...app, spec: { ...app.spec, project: undefined } } as never).validate()).toThrow();
    const broken = structuredClone(app);
    (broken.spec.sources as Record<string, unknown>[])[0]!["repoURL"] = 42;
    expect(() => new Application(broken as never).validate()).toThrow();
  });
});

describe("argocd: --repo", () => {
  test("without --repo: a placeholder URL (not a template), a warning, and the README says how to replace it", () => {
    const { tree, plan } = bundleOf(loadRecipe(goldenCases.inference), { deployer: "argocd" });
    const warning = plan.notes.find((x) => x.includes("--repo is not set"));
    expect(warning).toContain(PLACEHOLDER);
    for (const [dir, app] of childApps(tree)) {
      expect(text(tree, `${dir}/application.yaml`)).not.toContain("{{");
      const urls = [app.spec.source?.["repoURL"], ...(app.spec.sources ?? []).filter((s) => s["ref"] === "values").map((s) => s["repoURL"])].filter(Boolean);
      expect(urls, dir).toEqual([PLACEHOLDER]);
      expect(() => new Application(app as never).validate()).not.toThrow();
    }
    expect((parse(text(tree, "app-of-apps.yaml")) as App).spec.source?.["repoURL"]).toBe(PLACEHOLDER);
    const readme = text(tree, "README.md");
    expect(readme).toContain("generated without `--repo`");
    expect(readme).toContain(warning as string);
  });

  test("--repo changes only the URLs of the bundle repository, never the chart repositories", () => {
    const a = argocd(goldenCases.inference).tree;
    const b = argocd(goldenCases.inference, { repo: "https://example.org/other.git" }).tree;
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [p, f] of a) {
      if (p === "checksums.txt") continue;
      expect(text(b, p).replaceAll("https://example.org/other.git", REPO), p).toBe(f.content);
    }
  });
});

describe("argocd: refused input", () => {
  test("--dynamic is refused, pointing to argocd-helm", () => {
    expect(() => argocd(goldenCases.training, { dynamic: ["gpuoperator:driver.version"] })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidRequest, message: expect.stringContaining("--deployer argocd-helm") }),
    );
  });

  test("a component whose Application would take the parent's name is refused", () => {
    const recipe: RecipeResult = loadRecipe(goldenCases.training);
    const rename = (s: string) => (s === "cert-manager" ? "nvidia-stack" : s);
    recipe.componentRefs = recipe.componentRefs.map((r) => ({ ...r, name: rename(r.name) }));
    recipe.deploymentOrder = recipe.deploymentOrder.map(rename);
    expect(() => bundleOf(recipe, { deployer: "argocd", repo: REPO })).toThrow(/reserved for the parent Application/);
    expect(() => bundleOf(recipe)).not.toThrow();
  });
});

describe("aicr bundle --deployer argocd", () => {
  test("writes the tree, says what to do next, and aicr verify passes", () => {
    const out = fresh();
    const r = aicr(["bundle", "-r", recipePath(goldenCases.training), "-o", out, "--deployer", "argocd", "--repo", GOLDEN_REPO]);
    expect(r.code, r.stderr).toBe(0);
    const files = readTree(out).files;
    expect(r.stdout).toStartWith(`\nArgo CD applications generated successfully!\nOutput directory: ${out}\nFiles generated: ${files.size}\n`);
    expect(r.stdout).toContain(`kubectl apply -f ${out}/app-of-apps.yaml`);
    expect(files.get("app-of-apps.yaml")).toContain(`repoURL: ${GOLDEN_REPO}`);
    expect(files.has("009-gpu-operator/application.yaml")).toBe(true);
    const v = aicr(["verify", out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain(`Checksums verified (${files.size - 1} files)`);
    expect(v.stdout).toContain("Bundle verification: PASSED");
  });

  test("--dynamic: one line naming argocd-helm, exit 2, nothing written", () => {
    const out = fresh();
    const r = aicr(["bundle", "-r", recipePath(goldenCases.training), "-o", out, "--deployer", "argocd", "--repo", GOLDEN_REPO, "--dynamic", "gpuoperator:driver.version"]);
    expectFailure(r, 2, "--dynamic is not supported with --deployer argocd: use --deployer argocd-helm");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((d) => d.includes("aicr-tmp"))).toEqual([]);
  });
});
