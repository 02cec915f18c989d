/**
 * Bad input: one clear line on stderr, the exit code of recipes.md §12.2, no stack trace, nothing on
 * stdout, and no output file left behind when `-o` was given.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { aicr, emptyRegistry, expectFailure, removeDir, tempDir, writeTree, type Run } from "./helpers.ts";

const tmp = tempDir();
afterAll(() => removeDir(tmp));

let outputs = 0;
/** `aicr recipe ARGS -o FILE`, expecting the failure contract and that FILE was not created. */
function recipeFails(args: string[], code: number, message: RegExp | string): Run {
  const out = join(tmp, `out-${++outputs}.yaml`);
  const r = aicr(["recipe", ...args, "-o", out]);
  expectFailure(r, code, message);
  expect(existsSync(out)).toBe(false);
  return r;
}

const queryFails = (args: string[], code: number, message: RegExp | string) => {
  const r = aicr(["query", ...args, ...(args.includes("--selector") ? [] : ["--selector", "kind"])]);
  expectFailure(r, code, message);
  return r;
};

/** A `--data` directory in the temporary area. */
const dataDir = (name: string, files: Record<string, string>) => writeTree(join(tmp, name), files);

const overlayText = (name: string, spec: string) =>
  `kind: RecipeMetadata\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

describe("criteria values", () => {
  test("an unknown value in a flag names the allowed values: recipe exit 8, query exit 2", () => {
    recipeFails(["--service", "foo"], 8, '[INTERNAL] error building recipe: [INVALID_REQUEST] invalid service type: "foo" (allowed: aks, eks, gke, kind, oke)');
    queryFails(["--accelerator", "v100"], 2, '[INVALID_REQUEST] invalid accelerator type: "v100" (allowed: a100, b200, gb200, h100, l40)');
  });

  test("an unknown value inside a criteria file: exit 8 for recipe and query", () => {
    const file = join(writeTree(tmp, { "bad-value.yaml": "kind: RecipeCriteria\nspec:\n  intent: serving\n" }), "bad-value.yaml");
    recipeFails(["--criteria", file], 8, /invalid intent type: "serving" \(allowed: inference, training\)/);
    queryFails(["--criteria", file], 8, /invalid intent type: "serving"/);
  });

  test("a criteria file of the wrong kind", () => {
    const file = join(writeTree(tmp, { "wrong-kind.yaml": "kind: RecipeResult\nspec:\n  service: eks\n" }), "wrong-kind.yaml");
    recipeFails(["--criteria", file], 8, /wrong-kind\.yaml:1:7: kind: kind must be RecipeCriteria/);
  });

  test("no criteria at all in flags mode: recipe exit 8, query exit 2", () => {
    recipeFails([], 8, "no criteria provided");
    queryFails(["--service", "self-managed"], 2, "no criteria provided");
  });

  test("a non-integer --nodes is a usage error (exit 1)", () => {
    expectFailure(aicr(["recipe", "--service", "eks", "--nodes", "eight"]), 1, /invalid value for --nodes: "eight".*--help/);
  });
});

describe("malformed files", () => {
  test("malformed YAML in --data names file:line:col (exit 8)", () => {
    const dir = dataDir("malformed-data", {
      "registry.yaml": emptyRegistry,
      "overlays/acme.yaml": overlayText("acme", "  criteria: [eks\n"),
    });
    recipeFails(["--data", dir, "--service", "eks"], 8, /^error: \[INTERNAL\] failed to initialize data provider from .*: \[INVALID_REQUEST\] failed to load catalogue: malformed YAML in overlays\/acme\.yaml:7:1: /);
    queryFails(["--data", dir, "--service", "eks"], 8, /malformed YAML in overlays\/acme\.yaml:7:1: /);
  });

  test("a schema error in --data names file:line:col and the field", () => {
    const dir = dataDir("schema-data", {
      "registry.yaml": emptyRegistry,
      "overlays/acme.yaml": overlayText("acme", "  criteria:\n    service: eks\n  componentRefs:\n    - name: gpu-operator\n      cleanup: maybe\n"),
    });
    recipeFails(["--data", dir, "--service", "eks"], 8, /overlays\/acme\.yaml:10:16: spec\.componentRefs\[0\]\.cleanup: expected true or false/);
  });

  test("malformed YAML in --criteria names file:line:col (exit 8)", () => {
    const file = join(writeTree(tmp, { "malformed.yaml": "kind: RecipeCriteria\nspec:\n  service: [eks\n" }), "malformed.yaml");
    recipeFails(["--criteria", file], 8, new RegExp(`malformed YAML in ${file.replace(/[.]/g, "\\.")}:4:1: `));
    queryFails(["--criteria", file], 8, /malformed\.yaml:4:1: /);
  });

  test("malformed JSON in --criteria names the file (exit 8)", () => {
    const file = join(writeTree(tmp, { "malformed.json": '{"spec": {"service": "eks",}}' }), "malformed.json");
    recipeFails(["--criteria", file], 8, /malformed JSON in .*malformed\.json/);
  });

  test("a duplicate key is an error naming where it is, in --criteria and in --data", () => {
    const file = join(writeTree(tmp, { "dup.yaml": "kind: RecipeCriteria\nspec:\n  service: eks\n  service: gke\n" }), "dup.yaml");
    recipeFails(["--criteria", file], 8, /dup\.yaml:4:3: Map keys must be unique/);
    const dir = dataDir("dup-data", {
      "registry.yaml": emptyRegistry,
      "overlays/acme.yaml": overlayText("acme", "  criteria:\n    service: eks\n    service: gke\n"),
    });
    recipeFails(["--data", dir, "--service", "eks"], 8, /overlays\/acme\.yaml:8:5: Map keys must be unique/);
  });

  test("a malformed AICRConfig, and one with an unknown field", () => {
    const bad = join(writeTree(tmp, { "cfg-bad.yaml": "kind: AICRConfig\napiVersion: aicr.nvidia.com/v1alpha1\nspec:\n  recipe: {criteria: \n" }), "cfg-bad.yaml");
    recipeFails(["--config", bad], 8, /\[INTERNAL\] failed to load config: \[INVALID_REQUEST\] malformed YAML in .*cfg-bad\.yaml:\d+:\d+: /);
    const unknown = join(
      writeTree(tmp, { "cfg-unknown.yaml": "kind: AICRConfig\napiVersion: aicr.nvidia.com/v1alpha1\nspec:\n  recipe:\n    critera:\n      service: eks\n" }),
      "cfg-unknown.yaml",
    );
    recipeFails(["--config", unknown], 8, /cfg-unknown\.yaml:6:7: spec\.recipe\.critera: unknown field/);
  });
});

describe("missing and unreadable files", () => {
  test("a missing criteria file (exit 8)", () => {
    recipeFails(["--criteria", join(tmp, "nope.yaml")], 8, /criteria file not found: .*nope\.yaml/);
    queryFails(["--criteria", join(tmp, "nope.yaml")], 8, /criteria file not found/);
  });

  test("a missing config file (exit 8)", () => {
    recipeFails(["--config", join(tmp, "nope-config.yaml")], 8, /\[NOT_FOUND\] config file not found: .*nope-config\.yaml/);
  });

  test("a directory given as the criteria file", () => {
    recipeFails(["--criteria", tmp], 8, "is a directory, expected a file");
  });

  test("an unreadable criteria file (exit 8)", () => {
    const file = join(writeTree(tmp, { "secret.yaml": "kind: RecipeCriteria\nspec:\n  service: eks\n" }), "secret.yaml");
    chmodSync(file, 0o000);
    const out = join(tmp, "unreadable-out.yaml");
    const r = aicr(["recipe", "--criteria", file, "-o", out], { honourPermissions: true });
    expectFailure(r, 8, /cannot read criteria file .*secret\.yaml: EACCES: permission denied/);
    expect(existsSync(out)).toBe(false);
  });

  test("an unreadable file inside --data (exit 8)", () => {
    const dir = dataDir("unreadable-data", { "registry.yaml": emptyRegistry, "overlays/acme.yaml": overlayText("acme", "  criteria:\n    service: eks\n") });
    chmodSync(join(dir, "overlays/acme.yaml"), 0o000);
    const out = join(tmp, "unreadable-data-out.yaml");
    const r = aicr(["recipe", "--data", dir, "--service", "eks", "-o", out], { honourPermissions: true });
    expectFailure(r, 8, /external directory validation failed: EACCES: permission denied, open '.*overlays\/acme\.yaml'/);
    expect(existsSync(out)).toBe(false);
  });

  test("an output file in a missing directory: nothing is written", () => {
    const out = join(tmp, "no-such-dir", "recipe.yaml");
    expectFailure(aicr(["recipe", "--service", "eks", "-o", out]), 2, /cannot write .*no-such-dir\/recipe\.yaml/);
    expect(existsSync(join(tmp, "no-such-dir"))).toBe(false);
  });
});

describe("flags", () => {
  test("an unknown flag: exit 1 and a pointer to --help", () => {
    expectFailure(aicr(["recipe", "--service", "eks", "--colour", "red"]), 1, 'unknown flag: --colour (run "aicr recipe --help" for usage)');
    expectFailure(aicr(["query", "--selector", "kind", "--bogus"]), 1, 'unknown flag: --bogus (run "aicr query --help" for usage)');
  });

  test("an unknown command: exit 1 and a pointer to --help", () => {
    expectFailure(aicr(["recipes"]), 1, /unknown command "recipes".*--help/);
  });

  test("a repeated single-value flag: exit 2", () => {
    recipeFails(["--service", "eks", "--service", "gke"], 2, "[INVALID_REQUEST] flag --service can only be specified once");
    queryFails(["--service", "eks", "--selector", "kind", "--selector", "apiVersion"], 2, "flag --selector can only be specified once");
    // An alias counts as the same flag.
    recipeFails(["--accelerator", "h100", "--gpu", "gb200"], 2, "flag --accelerator can only be specified once");
  });

  test("an unknown output format: exit 2", () => {
    recipeFails(["--service", "eks", "--format", "xml"], 2, 'unknown output format: "xml", valid formats are: yaml, json, table');
  });
});

describe("catalogue problems reached by a query", () => {
  test("an overlay whose base is missing: recipe exit 8, query exit 2", () => {
    const dir = dataDir("missing-base", {
      "registry.yaml": emptyRegistry,
      "overlays/acme.yaml": overlayText("acme", "  base: ghost\n  criteria:\n    service: eks\n    nodes: 3\n"),
    });
    recipeFails(["--data", dir, "--service", "eks", "--nodes", "3"], 8, '[NOT_FOUND] recipe "ghost" not found (referenced as spec.base of "acme" in the inheritance chain)');
    queryFails(["--data", dir, "--service", "eks", "--nodes", "3"], 2, /failed to resolve inheritance chain: \[NOT_FOUND\] recipe "ghost" not found/);
    // A query that does not reach the broken overlay is fine.
    expect(aicr(["recipe", "--data", dir, "--service", "eks"]).code).toBe(0);
  });

  test("a dependency cycle: recipe exit 8, query exit 2, the cycle named", () => {
    const dir = dataDir("cycle", {
      "registry.yaml": emptyRegistry,
      "overlays/acme.yaml": overlayText("acme", "  criteria:\n    service: eks\n    nodes: 3\n  componentRefs:\n    - name: cert-manager\n      dependencyRefs: [gpu-operator]\n"),
    });
    recipeFails(["--data", dir, "--service", "eks", "--nodes", "3"], 8, "circular dependency detected: cert-manager -> gpu-operator -> cert-manager");
    queryFails(["--data", dir, "--service", "eks", "--nodes", "3"], 2, "circular dependency detected: cert-manager -> gpu-operator -> cert-manager");
  });

  test("a dependency cycle in the base itself fails the catalogue load (exit 8)", () => {
    const dir = dataDir("base-cycle", {
      "registry.yaml": emptyRegistry,
      "overlays/base.yaml": overlayText("base", "  componentRefs:\n    - name: a\n      dependencyRefs: [b]\n    - name: b\n      dependencyRefs: [a]\n"),
    });
    recipeFails(["--data", dir, "--service", "eks"], 8, "base recipe validation failed: circular dependency detected: a -> b -> a");
    queryFails(["--data", dir, "--service", "eks"], 8, "base recipe validation failed");
  });

  test("an unknown mixin reached by a query", () => {
    const dir = dataDir("unknown-mixin", {
      "registry.yaml": emptyRegistry,
      "overlays/acme.yaml": overlayText("acme", "  criteria:\n    service: eks\n    nodes: 3\n  mixins: [os-ghost]\n"),
    });
    recipeFails(["--data", dir, "--service", "eks", "--nodes", "3"], 8, 'mixin "os-ghost" not found');
    queryFails(["--data", dir, "--service", "eks", "--nodes", "3"], 3, 'mixin "os-ghost" not found');
  });
});

describe("--data directory checks (all exit 8)", () => {
  test("a symlink inside the directory", () => {
    const dir = dataDir("symlink", { "registry.yaml": emptyRegistry, "elsewhere.txt": "x\n" });
    writeFileSync(join(tmp, "outside.yaml"), "kind: RecipeMetadata\n");
    symlinkSync(join(tmp, "outside.yaml"), join(dir, "link.yaml"));
    recipeFails(["--data", dir, "--service", "eks"], 8, "[INTERNAL] external directory validation failed: [INVALID_REQUEST] symlinks not allowed: link.yaml");
  });

  test("a path containing ..", () => {
    const dir = dataDir("dotdot", { "registry.yaml": emptyRegistry, "overlays/a..b.yaml": overlayText("ab", "  criteria:\n    service: eks\n") });
    recipeFails(["--data", dir, "--service", "eks"], 8, "path traversal detected: overlays/a..b.yaml");
  });

  test("a file over 10 MiB (exactly 10 MiB is fine)", () => {
    const dir = dataDir("big", { "registry.yaml": emptyRegistry, "components/big/values.yaml": "" });
    const file = join(dir, "components/big/values.yaml");
    truncateSync(file, 10 * 1024 * 1024);
    // A sparse file of NUL bytes: over the limit it must be refused before it is read.
    const ok = aicr(["recipe", "--data", dir, "--service", "eks"]);
    expect(ok.code).toBe(0);
    truncateSync(file, 10 * 1024 * 1024 + 1);
    recipeFails(["--data", dir, "--service", "eks"], 8, "file too large (10485761 bytes, max 10485760): components/big/values.yaml");
  });

  test("no registry.yaml", () => {
    const dir = dataDir("no-registry", { "overlays/acme.yaml": overlayText("acme", "  criteria:\n    service: eks\n") });
    recipeFails(["--data", dir, "--service", "eks"], 8, /registry\.yaml is required in external data directory: .*no-registry/);
  });

  test("a directory that does not exist, and a file instead of a directory", () => {
    recipeFails(["--data", join(tmp, "absent"), "--service", "eks"], 8, /\[NOT_FOUND\] external data directory not found: .*absent/);
    const file = join(writeTree(tmp, { "plain-file.yaml": "a: 1\n" }), "plain-file.yaml");
    recipeFails(["--data", file, "--service", "eks"], 8, /external data path is not a directory: .*plain-file\.yaml/);
  });

  test("a failed run leaves no output or temporary file behind", () => {
    recipeFails(["--service", "eks", "--service", "gke"], 2, "can only be specified once");
    recipeFails(["--service", "foo"], 8, "invalid service type");
    expect(readdirSync(tmp).filter((n) => n.startsWith("out-") || n.includes("aicr-tmp"))).toEqual([]);
  });
});
