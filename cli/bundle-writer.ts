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
 * True when `prior` is a plain file, not linked from anywhere else, with exactly `mode` and the bytes of
 * `content`: it can then become the new file as it is. Anything unreadable or unusual is written anew.
 */
function unchanged(prior: string, content: string, mode: number): boolean {
  try {
    const st = lstatSync(prior);
    if (!st.isFile() || st.nlink !== 1 || (st.mode & 0o7777) !== mode) return false;
    if (st.size !== Buffer.byteLength(content)) return false;
    return readFileSync(prior, "utf8") === content;
  } catch {
    return false;
  }
}

/** Put one file of the tree in place (its directory created once): a link to the earlier copy, or new bytes. */
function placeFile(path: string, content: string, mode: number, made: Set<string>, prior: string | undefined): boolean {
  const d = dirname(path);
  if (!made.has(d)) {
    mkdirSync(d, { recursive: true, mode: 0o755 });
    made.add(d);
  }
  if (prior !== undefined && unchanged(prior, content, mode)) {
    try {
      linkSync(prior, path);
      return true;
    } catch {
      // Another filesystem or no link support: write the bytes instead.
    }
  }
  // No fsync: the whole tree is renamed into place.
  writeFileSync(path, content, { flag: "wx", mode });
  if (mode !== 0o644) chmodSync(path, mode);
  return false;
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
    for (const [path, f] of tree) {
      if (placeFile(join(tmp, path), f.content, f.mode, made, state === "bundle" ? join(dir, path) : undefined)) reused++;
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
