/** Helpers for CLI tests: run `bun cli/main.ts ...` from the repository root and inspect what a user sees. */
import { expect } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const REPO = join(import.meta.dir, "..", "..");
export const BUN = join(REPO, "node_modules", ".bin", "bun");
export const FIXTURES = join(REPO, "tests", "fixtures", "data");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const emptyHome = mkdtempSync(join(tmpdir(), "aicr-home-"));

const cleanEnv = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AICR_")) env[k] = v;
  env["NO_COLOR"] = "1";
  // No cluster of the developer's leaks in: an empty home and no KUBECONFIG.
  env["HOME"] = emptyHome;
  delete env["KUBECONFIG"];
  return env;
};

/**
 * Run the CLI with `args`. `honourPermissions`: when running as root, drop the capabilities that let root
 * read any file (through setpriv), so a mode-000 file is unreadable as it is for any user.
 */
export function aicr(args: string[], opts: { cwd?: string; honourPermissions?: boolean } = {}): Run {
  const cmd = [BUN, join(REPO, "cli", "main.ts"), ...args];
  const asRoot = process.getuid?.() === 0;
  const argv = opts.honourPermissions && asRoot ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", ...cmd] : cmd;
  const p = Bun.spawnSync(argv, { cwd: opts.cwd ?? REPO, env: cleanEnv(), stdin: "ignore" });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** A fresh temporary directory. */
export function tempDir(prefix = "aicr-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Write `{relative path: text}` under `root`, creating directories. */
export function writeTree(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const full = join(root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

const stackLine = /^\s+at\s|\.ts:\d+:\d+\)?$|^\s*\d+\s*\|/m;

/**
 * The failure contract: exit `code`, nothing on stdout, exactly one line on stderr (matching `message`),
 * and no stack trace.
 */
export function expectFailure(r: Run, code: number, message: RegExp | string): void {
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  const where = `stderr was:\n${r.stderr}`;
  expect(lines.length, where).toBe(1);
  expect(r.stderr, where).not.toMatch(stackLine);
  if (typeof message === "string") expect(lines[0], where).toContain(message);
  else expect(lines[0], where).toMatch(message);
  expect(r.stdout).toBe("");
  expect(r.code, where).toBe(code);
}

export const emptyRegistry = "apiVersion: aicr.nvidia.com/v1alpha1\nkind: ComponentRegistry\ncomponents: []\n";
