/**
 * Writing a bundle over an earlier one: the result is exactly the new tree whatever the earlier bundle
 * holds, unchanged files keep their identity (inode, modification time) and nothing outside the bundle
 * ever shares a file with it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeTreeAtomic } from "../../cli/bundle-writer.ts";
import type { FileTree } from "../../core/bundle/file-tree.ts";
import { bundleOf, goldenCases, loadRecipe, readTree, removeDir, tempDir } from "./helpers.ts";

const root = tempDir("aicr-writer-");
afterAll(() => removeDir(root));

const tree: FileTree = bundleOf(loadRecipe(goldenCases.training)).tree;
let n = 0;
const outDir = () => join(root, `out${n++}`);

/** The tree on disk equals the in-memory one, bytes and modes (a .git folder aside). */
function expectTreeOnDisk(dir: string, expected: FileTree): void {
  const { files, modes } = readTree(dir);
  expect([...files.keys()].filter((p) => !p.startsWith(".git/"))).toEqual([...expected.keys()].sort());
  for (const [p, f] of expected) {
    expect(files.get(p), p).toBe(f.content);
    expect(modes.get(p), p).toBe(f.mode);
  }
}

describe("writing a bundle", () => {
  test("a fresh directory gets the whole tree with its modes", () => {
    const dir = outDir();
    const r = writeTreeAtomic(dir, tree, "./bundle");
    expect(r).toEqual({ files: tree.size, reused: 0, upToDate: false });
    expectTreeOnDisk(dir, tree);
  });

  test("regenerating an unchanged bundle keeps every file as it was (same inode, same modification time)", () => {
    const dir = outDir();
    writeTreeAtomic(dir, tree, "./bundle");
    const readme = join(dir, "README.md");
    utimesSync(readme, new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:00:00Z"));
    const before = statSync(readme);
    const r = writeTreeAtomic(dir, tree, "./bundle");
    expect(r).toEqual({ files: tree.size, reused: tree.size, upToDate: true });
    const after = statSync(readme);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.nlink).toBe(1);
    expectTreeOnDisk(dir, tree);
  });

  test("changed content is written anew; the rest is kept", () => {
    const dir = outDir();
    writeTreeAtomic(dir, tree, "./bundle");
    const next: FileTree = new Map(tree);
    next.set("README.md", { content: `${tree.get("README.md")?.content}\nOne more line.\n`, mode: 0o644 });
    const r = writeTreeAtomic(dir, next, "./bundle");
    expect(r.reused).toBe(tree.size - 1);
    expectTreeOnDisk(dir, next);
  });

  test("hand edits in the earlier bundle never survive: same-size edits, mode changes, symlinks", () => {
    const dir = outDir();
    writeTreeAtomic(dir, tree, "./bundle");
    const recipe = join(dir, "recipe.yaml");
    const original = readFileSync(recipe, "utf8");
    writeFileSync(recipe, original.replace("kind: RecipeResult", "kind: RecipeResulX")); // same length
    chmodSync(join(dir, "deploy.sh"), 0o700);
    rmSync(join(dir, "undeploy.sh"));
    symlinkSync(join(dir, "deploy.sh"), join(dir, "undeploy.sh"));
    const r = writeTreeAtomic(dir, tree, "./bundle");
    expect(r.reused).toBe(tree.size - 3);
    expectTreeOnDisk(dir, tree);
    expect(statSync(join(dir, "undeploy.sh")).ino).not.toBe(statSync(join(dir, "deploy.sh")).ino);
  });

  test("a bundle file also linked from outside the bundle is not shared with the new bundle", () => {
    const dir = outDir();
    writeTreeAtomic(dir, tree, "./bundle");
    const outside = join(root, `outside-${n}.md`);
    linkSync(join(dir, "README.md"), outside);
    writeTreeAtomic(dir, tree, "./bundle");
    expect(statSync(join(dir, "README.md")).ino).not.toBe(statSync(outside).ino);
    writeFileSync(join(dir, "README.md"), "edited in the bundle\n");
    expect(readFileSync(outside, "utf8")).toBe(tree.get("README.md")?.content as string);
  });

  test("files under a folder that is a symlink out of the bundle are never linked into it", () => {
    const dir = outDir();
    writeTreeAtomic(dir, tree, "./bundle");
    const folder = [...tree.keys()].find((p) => p.includes("/"))?.split("/")[0] as string;
    const elsewhere = join(root, `elsewhere-${n}`);
    renameSync(join(dir, folder), elsewhere);
    symlinkSync(elsewhere, join(dir, folder));
    const r = writeTreeAtomic(dir, tree, "./bundle");
    const inFolder = [...tree.keys()].filter((p) => p.startsWith(`${folder}/`));
    expect(r.reused).toBe(tree.size - inFolder.length);
    for (const p of inFolder) expect(statSync(join(dir, p)).nlink, p).toBe(1);
    expectTreeOnDisk(dir, tree);
  });

  test("an up-to-date bundle is left alone, its .git included; anything more or less makes it rewritten", () => {
    const dir = outDir();
    writeTreeAtomic(dir, tree, "./bundle");
    mkdirSync(join(dir, ".git"));
    writeFileSync(join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
    expect(writeTreeAtomic(dir, tree, "./bundle").upToDate).toBe(true);
    expect(readFileSync(join(dir, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");

    const folder = [...tree.keys()].find((p) => p.includes("/"))?.split("/")[0] as string;
    for (const change of [
      () => writeFileSync(join(dir, folder, "notes.txt"), "mine\n"), // an extra file in a folder
      () => mkdirSync(join(dir, "999-stale")), // an extra folder
      () => rmSync(join(dir, "README.md")), // a missing file
      () => chmodSync(join(dir, folder), 0o700), // a folder mode
    ]) {
      change();
      const r = writeTreeAtomic(dir, tree, "./bundle");
      expect(r.upToDate).toBe(false);
      expectTreeOnDisk(dir, tree);
      expect(readFileSync(join(dir, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
      expect(statSync(join(dir, folder)).mode & 0o777).toBe(0o755 & ~process.umask());
    }
  });

  test("scripts are executable whatever the umask", () => {
    const dir = outDir();
    const prior = process.umask(0o077);
    try {
      writeTreeAtomic(dir, tree, "./bundle");
    } finally {
      process.umask(prior);
    }
    const { modes } = readTree(dir);
    for (const [p, f] of tree) if (f.mode === 0o755) expect(modes.get(p), p).toBe(0o755);
    expect(modes.get("README.md")).toBe(0o600);
  });

  test("an output path that is a symlink to a directory: the directory gets the bundle, the link stays", () => {
    const target = outDir();
    mkdirSync(target);
    const link = join(root, `link-${n++}`);
    symlinkSync(target, link);
    writeTreeAtomic(link, tree, "./bundle");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expectTreeOnDisk(target, tree);
    expect(writeTreeAtomic(link, tree, "./bundle").upToDate).toBe(true);
  });

  test("an output path under folders that do not exist yet: they are created", () => {
    const dir = join(outDir(), "clusters", "gb200");
    writeTreeAtomic(dir, tree, "./bundle");
    expectTreeOnDisk(dir, tree);
    expect(readdirSync(join(dir, "..")).filter((d) => d.includes("aicr-tmp"))).toEqual([]);
  });

  test("a temporary folder left by an interrupted run with the same process id is replaced, not merged", () => {
    const dir = outDir();
    const leftover = join(root, `.${dir.slice(dir.lastIndexOf("/") + 1)}.aicr-tmp-${process.pid}`);
    mkdirSync(join(leftover, "stale"), { recursive: true });
    writeFileSync(join(leftover, "stale", "values.yaml"), "half-written\n");
    writeTreeAtomic(dir, tree, "./bundle");
    expectTreeOnDisk(dir, tree);
    expect(readdirSync(root).filter((d) => d.includes("aicr-tmp"))).toEqual([]);
  });
});
