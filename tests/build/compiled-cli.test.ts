/**
 * The compiled CLI (what `bun run build` produces) carries the catalogue inside it: it resolves
 * recipes from any directory, with no source tree or node_modules beside it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json";
import { STARTUP_JIT_POLICY } from "../../cli/jit.ts";

const root = join(import.meta.dir, "..", "..");
let dir: string;
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aicr-compiled-"));
  bin = join(dir, "aicr");
  // The same command line as the package's build:cli script, with another output path.
  const script = pkg.scripts["build:cli"].replace("dist/aicr", bin);
  const r = Bun.spawnSync({ cmd: ["sh", "-c", script.replace(/^bun /, `${process.execPath} `)], cwd: root, stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`build failed: ${r.stderr.toString()}`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => {
  const r = Bun.spawnSync({ cmd: [bin, ...args], cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};

test("the compiled CLI resolves a recipe outside the source tree", () => {
  const r = run("recipe", "--service", "eks", "--accelerator", "h100", "--os", "ubuntu", "--intent", "training", "--platform", "kubeflow");
  expect(r.code).toBe(0);
  expect(r.out).toStartWith("kind: RecipeResult\napiVersion: aicr.nvidia.com/v1alpha1\n");
  expect(r.out).toContain("  - h100-eks-ubuntu-training-kubeflow\n");
  expect(r.out).toContain("    chart: kubeflow-trainer\n");
});

test("the compiled CLI produces the same bytes as the source CLI", () => {
  const args = ["recipe", "--service", "gke", "--accelerator", "h100", "--os", "cos", "--intent", "inference", "--platform", "dynamo", "-t", "json"];
  const src = Bun.spawnSync({ cmd: [process.execPath, "cli/main.ts", ...args], cwd: root, stdout: "pipe", stderr: "pipe" });
  expect(run(...args).out).toBe(src.stdout.toString());
});

test("the compiled CLI hydrates values from the embedded values files", () => {
  const r = run("query", "--service", "eks", "--intent", "training", "--selector", "components.gpu-operator.values.hostPaths.driverInstallDir");
  expect(r).toEqual({ code: 0, out: "/run/nvidia/driver\n", err: "" });
});

test("the compiled CLI reports its version and rejects bad input with one line", () => {
  expect(run("--version").out).toBe(`aicr version ${pkg.version}\n`);
  const bad = run("recipe", "--service", "nope");
  expect(bad.code).toBe(8);
  expect(bad.out).toBe("");
  expect(bad.err.trim().split("\n")).toHaveLength(1);
  expect(bad.err).toContain('invalid service type: "nope"');
});

test("a .env or bunfig.toml in the working directory does not change what the compiled CLI does", () => {
  const work = mkdtempSync(join(dir, "work-"));
  writeFileSync(join(work, ".env"), "AICR_LOG_JSON=1\nAICR_DEBUG=1\n");
  writeFileSync(join(work, "bunfig.toml"), 'preload = ["./missing.ts"]\n');
  const r = Bun.spawnSync({ cmd: [bin, "recipe", "--service", "nope"], cwd: work, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
  expect(r.exitCode).toBe(8);
  // Plain CLI logging: the .env file's AICR_LOG_JSON / AICR_DEBUG were not loaded.
  expect(r.stderr.toString()).toStartWith("error: ");
  expect(r.stderr.toString()).toContain('invalid service type: "nope"');
});

test("the compiled CLI starts with the start-up JIT policy its code documents", () => {
  expect(pkg.scripts["build:cli"]).toContain(`--compile-jit-policy ${STARTUP_JIT_POLICY} `);
});

test("the compiled CLI bundles a recipe that needs the full YAML parser (a version written as a number)", () => {
  const recipe = join(dir, "bundle-recipe.yaml");
  expect(run("recipe", "--service", "eks", "--accelerator", "h100", "--intent", "training", "-o", recipe).code).toBe(0);
  const text = readFileSync(recipe, "utf8");
  const versionLine = /^ {4}version: v?[\d.]+\n/m.exec(text.slice(text.indexOf("  - name: cert-manager\n")))?.[0] as string;
  writeFileSync(recipe, text.replace(versionLine, "    version: 1.10\n"));
  const out = join(dir, "bundle-out");
  const r = run("bundle", "-r", recipe, "-o", out);
  expect(r.code, r.err).toBe(0);
  const folder = readdirSync(out).find((d) => d.endsWith("-cert-manager")) as string;
  expect(readFileSync(join(out, folder, "upstream.env"), "utf8")).toContain("VERSION='1.10'\n");
});
