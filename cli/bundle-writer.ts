/**
 * Writing a bundle tree to its output directory, whole or not at all: the tree goes to a temporary
 * sibling directory that is then renamed into place. When an earlier bundle is being replaced, each of
 * its files whose bytes and mode are unchanged is hard-linked into the new tree instead of written again
 * (creating and later deleting inodes is what regeneration costs on most disks); the earlier bundle is
 * only read, so an interrupted run leaves it intact.
 */
import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { invalid } from "../core/errors.ts";
import { CHECKSUMS_FILE } from "../core/bundle/checksums.ts";
import type { FileTree } from "../core/bundle/file-tree.ts";

/** What the output directory holds before writing. */
export type OutputState = "absent" | "empty" | "bundle";

/**
 * The output directory must be absent, empty, or hold an earlier bundle; a file there is an error. It is
 * replaced as a whole, so it cannot be the current directory (or one above it). `defaultDir` is named in
 * the message.
 */
export function checkOutputDir(dir: string, defaultDir: string): OutputState {
  const cwd = resolve(".");
  if (dir === dirname(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) {
    throw invalid(`output directory ${dir} contains the current directory: choose a directory the bundle can replace (default ${defaultDir})`);
  }
  let st;
  try {
    st = statSync(dir);
  } catch {
    return "absent";
  }
  if (!st.isDirectory()) throw invalid(`output path ${dir} is a file, expected a directory`);
  const entries = readdirSync(dir);
  if (entries.length === 0) return "empty";
  if (entries.includes(CHECKSUMS_FILE)) return "bundle";
  throw invalid(`output directory ${dir} is not empty and holds no earlier bundle: choose another directory or empty it`);
}

/**
 * The bundle being replaced, as a source of files to carry over: a file qualifies when it is a plain
 * file linked from nowhere else, inside plain directories (no symlink out of the bundle on the way),
 * with exactly the new file's mode and bytes. Anything unreadable or unusual is written anew.
 */
class PriorBundle {
  private readonly plainDirs = new Map<string, boolean>();

  constructor(private readonly dir: string) {}

  private isPlainDir(rel: string): boolean {
    let plain = this.plainDirs.get(rel);
    if (plain === undefined) {
      try {
        plain = lstatSync(join(this.dir, rel)).isDirectory();
      } catch {
        plain = false;
      }
      this.plainDirs.set(rel, plain);
    }
    return plain;
  }

  /** The earlier copy of `rel` when it can become the new file as it is. */
  unchanged(rel: string, content: string, mode: number): string | undefined {
    for (let i = rel.indexOf("/"); i >= 0; i = rel.indexOf("/", i + 1)) if (!this.isPlainDir(rel.slice(0, i))) return undefined;
    const path = join(this.dir, rel);
    try {
      const st = lstatSync(path);
      if (!st.isFile() || st.nlink !== 1 || (st.mode & 0o7777) !== mode || st.size !== Buffer.byteLength(content)) return undefined;
      return readFileSync(path, "utf8") === content ? path : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Create a directory of the new tree (parents first), each once. */
function ensureDir(d: string, made: Set<string>): void {
  if (made.has(d)) return;
  ensureDir(dirname(d), made);
  mkdirSync(d, { mode: 0o755 });
  made.add(d);
}

export interface WriteResult {
  files: number;
  /** Files carried over unchanged from the bundle that was replaced. */
  reused: number;
}

/**
 * Write the tree to a temporary sibling directory, then rename it into place. An earlier bundle in the
 * way is swapped out and removed; its top-level dot entries (such as `.git`) are carried over.
 */
export function writeTreeAtomic(dir: string, tree: FileTree, defaultDir: string): WriteResult {
  const state = checkOutputDir(dir, defaultDir);
  const parent = dirname(dir);
  const tmp = join(parent, `.${basename(dir)}.aicr-tmp-${process.pid}`);
  const old = join(parent, `.${basename(dir)}.aicr-old-${process.pid}`);
  const carried: string[] = [];
  let reused = 0;
  try {
    mkdirSync(parent, { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { mode: 0o755 });
    const made = new Set<string>([tmp]);
    const prior = state === "bundle" ? new PriorBundle(dir) : undefined;
    for (const [path, f] of tree) {
      const target = join(tmp, path);
      ensureDir(dirname(target), made);
      const earlier = prior?.unchanged(path, f.content, f.mode);
      if (earlier !== undefined) {
        try {
          linkSync(earlier, target);
          reused++;
          continue;
        } catch {
          // Another filesystem or no link support: the bytes are written instead.
        }
      }
      // No fsync: the whole tree is renamed into place.
      writeFileSync(target, f.content, { flag: "wx", mode: f.mode });
      if (f.mode !== 0o644) chmodSync(target, f.mode);
    }
    if (state === "bundle") {
      for (const name of readdirSync(dir)) {
        if (!name.startsWith(".") || tree.has(name)) continue;
        renameSync(join(dir, name), join(tmp, name));
        carried.push(name);
      }
      renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, dir);
    }
  } catch (err) {
    for (const name of carried) {
      try {
        renameSync(join(tmp, name), join(dir, name));
      } catch {
        // Left in the temporary directory: named in the error below.
      }
    }
    rmSync(tmp, { recursive: true, force: true });
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw invalid(`cannot write bundle to ${dir}: ${why}${carried.length > 0 ? ` (check ${tmp} for ${carried.join(", ")})` : ""}`);
  }
  return { files: tree.size, reused };
}
