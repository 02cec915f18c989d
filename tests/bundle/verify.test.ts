/** Checksums and `aicr verify`: every changed, missing and extra file is reported; exit status says so. */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { appendFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checksumsFor, parseChecksums, sha256Hex } from "../../core/bundle/checksums.ts";
import { verifyChecksums } from "../../core/bundle/verify.ts";
import { BUN, REPO } from "../cli/helpers.ts";
import { bundleOf, expectFailure, goldenCases, loadRecipe, removeDir, tempDir, writeBundle, SPAWNING_TEST_TIMEOUT_MS } from "./helpers.ts";

setDefaultTimeout(SPAWNING_TEST_TIMEOUT_MS);

const root = tempDir("aicr-verify-");
afterAll(() => removeDir(root));
const tree = bundleOf(loadRecipe(goldenCases.training)).tree;
let n = 0;
const freshBundle = () => writeBundle(tree, join(root, `b${n++}`));

/** `aicr verify` through the CLI entry point. */
function verify(args: string[]) {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
  const p = Bun.spawnSync([BUN, join(REPO, "cli", "main.ts"), "verify", ...args], { cwd: REPO, env, stdin: "ignore" });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

describe("checksums.txt", () => {
  test("lists every file but itself, sorted, in sha256sum format (sha256sum -c agrees)", () => {
    const dir = freshBundle();
    const listed = parseChecksums(readFileSync(join(dir, "checksums.txt"), "utf8")).map((e) => e.path);
    expect(listed).toEqual([...tree.keys()].filter((p) => p !== "checksums.txt"));
    expect(listed).toContain("recipe.yaml");
    const p = Bun.spawnSync(["sha256sum", "--quiet", "-c", "checksums.txt"], { cwd: dir });
    expect(p.exitCode, p.stdout.toString()).toBe(0);
  });

  test("digests are SHA-256 of the file bytes", () => {
    const lines = checksumsFor(tree).split("\n");
    const readme = lines.find((l) => l.endsWith("  README.md")) as string;
    expect(readme.slice(0, 64)).toBe(sha256Hex(tree.get("README.md")?.content as string));
  });

  test("malformed lines and unsafe paths are reported, not trusted", () => {
    const files = new Map([["a", new TextEncoder().encode("x")]]);
    expect(verifyChecksums("not a checksum line\n", files).errors[0]).toContain("checksums.txt line 1 is malformed");
    const unsafe = verifyChecksums(`${sha256Hex("x")}  ../etc/passwd\n`, files);
    expect(unsafe.errors).toEqual(["path traversal detected in checksum entry: ../etc/passwd"]);
    expect(verifyChecksums(undefined, files).errors).toEqual(["checksums.txt not found"]);
  });
});

describe("aicr verify", () => {
  test("a fresh bundle verifies", () => {
    const dir = freshBundle();
    const r = verify([dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\u2713 Checksums verified (${tree.size - 1} files)`);
    expect(r.stdout).toContain("Trust level: unverified");
    expect(r.stdout).toContain("Bundle verification: PASSED");
    expect(r.stderr).toBe("");
  });

  test("a one-byte change is caught", () => {
    const dir = freshBundle();
    const file = join(dir, "003-cert-manager", "values.yaml");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.slice(0, 20) + (text[20] === "a" ? "b" : "a") + text.slice(21));
    const r = verify([dir]);
    expectFailureWithReport(r, 4, "bundle verification failed: changed: 003-cert-manager/values.yaml (checksum mismatch)");
    expect(r.stdout).toContain("  - changed: 003-cert-manager/values.yaml (checksum mismatch)");
    expect(r.stdout).toContain("Bundle verification: FAILED");
  });

  test("a missing file and an extra file are caught, all of them reported", () => {
    const dir = freshBundle();
    rmSync(join(dir, "deploy.sh"));
    writeFileSync(join(dir, "009-gpu-operator", "extra-values.yaml"), "x: 1\n");
    mkdirSync(join(dir, "notes"));
    writeFileSync(join(dir, "notes", "todo.txt"), "later\n");
    appendFileSync(join(dir, "README.md"), "\n");
    const r = verify([dir, "--format", "json"]);
    expect(r.code).toBe(4);
    const report = JSON.parse(r.stdout);
    expect(report.trustLevel).toBe("unknown");
    expect(report.checksumsPassed).toBe(false);
    expect(report.changed).toEqual(["README.md"]);
    expect(report.missing).toEqual(["deploy.sh"]);
    expect(report.extra).toEqual(["009-gpu-operator/extra-values.yaml", "notes/todo.txt"]);
    expect(r.stderr.trim()).toBe("error: [UNAUTHORIZED] bundle verification failed: changed: README.md (checksum mismatch) (and 3 more)");
  });

  test("a symlink in the bundle is reported", () => {
    const dir = freshBundle();
    symlinkSync("/etc/hostname", join(dir, "link"));
    const r = verify([dir]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("not a regular file: link");
  });

  test("checksums.txt deleted", () => {
    const dir = freshBundle();
    rmSync(join(dir, "checksums.txt"));
    const r = verify([dir]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("  - checksums.txt not found");
  });

  test("policy: a level this build cannot establish fails with exit 2; unverified passes", () => {
    const dir = freshBundle();
    const r = verify([dir, "--min-trust-level", "ATTESTED"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('trust level "unverified" does not meet minimum "attested"');
    expect(verify([dir, "--min-trust-level", "unverified"]).code).toBe(0);
    const creator = verify([dir, "--require-creator", "me@example.com"]);
    expect(creator.code).toBe(2);
    expect(creator.stderr).toContain('bundle creator "" does not match required "me@example.com"');
  });

  test("bad usage: no directory, a missing directory, a bad level or format", () => {
    expectFailure(verify([]), 2, "bundle directory is required: aicr verify <bundle-dir>");
    expectFailure(verify([join(root, "nope")]), 3, `bundle directory not found: ${join(root, "nope")}`);
    expectFailure(verify([root, "--min-trust-level", "bogus"]), 2, 'invalid trust level "bogus"');
    expectFailure(verify([root, "--format", "xml"]), 2, 'invalid --format "xml": must be text or json');
  });
});

function expectFailureWithReport(r: { code: number; stdout: string; stderr: string }, code: number, message: string) {
  expect(r.code).toBe(code);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(message);
}
