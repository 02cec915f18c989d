/**
 * Writing a bundle tree to its output directory, whole or not at all: the tree goes to a temporary
 * sibling directory that is then renamed into place. When an earlier bundle is being replaced, each of
 * its files whose bytes and mode are unchanged is hard-linked into the new tree instead of written again
 * (creating and later deleting inodes is what regeneration costs on most disks); the earlier bundle is
 * only read, so an interrupted run leaves it intact.
 */
import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { absolutePath, lastSegment, parentPath, under } from "./posix-path.ts";
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
export function checkOutputDir(output: string, defaultDir: string): OutputState {
  const dir = absolutePath(output);
  const cwd = absolutePath(".");
  if (dir === parentPath(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) {
    throw invalid(`output directory ${dir} contains the current directory: choose a directory the bundle can replace (default ${defaultDir})`);
  }
  let st;
  try {
    // No exception for the usual absent directory: building one costs more than the check.
    st = statSync(dir, { throwIfNoEntry: false });
  } catch {
    return "absent";
  }
  if (st === undefined) return "absent";
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
  /** Mode of each folder seen (undefined: not a plain directory). */
  private readonly folders = new Map<string, number | undefined>();
  /** Each file looked at: the path of its earlier copy when that can be kept. */
  private readonly checked = new Map<string, string | undefined>();

  constructor(private readonly dir: string) {}

  private folderMode(rel: string): number | undefined {
    if (this.folders.has(rel)) return this.folders.get(rel);
    let mode: number | undefined;
    try {
      const st = lstatSync(under(this.dir, rel));
      mode = st.isDirectory() ? st.mode & 0o7777 : undefined;
    } catch {
      mode = undefined;
    }
    this.folders.set(rel, mode);
    return mode;
  }

  /** The earlier copy of `rel` when it can become the new file as it is (each path checked once). */
  unchanged(rel: string, content: string, mode: number): string | undefined {
    if (this.checked.has(rel)) return this.checked.get(rel);
    const found = this.check(rel, content, mode);
    this.checked.set(rel, found);
    return found;
  }

  private check(rel: string, content: string, mode: number): string | undefined {
    for (let i = rel.indexOf("/"); i >= 0; i = rel.indexOf("/", i + 1)) if (this.folderMode(rel.slice(0, i)) === undefined) return undefined;
    const path = under(this.dir, rel);
    try {
      const st = lstatSync(path);
      if (!st.isFile() || st.nlink !== 1 || (st.mode & 0o7777) !== mode || st.size !== Buffer.byteLength(content)) return undefined;
      return readFileSync(path, "utf8") === content ? path : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * True when the earlier bundle already is `tree`: the same folders (with the mode a new folder gets)
   * holding the same files, nothing else but top-level dot entries. Rewriting it would change nothing.
   */
  holds(tree: FileTree): boolean {
    // Files first: a changed one (the usual case when a bundle is regenerated) ends the check before
    // any folder is listed, and whatever was read is kept for the write.
    for (const [path, f] of tree) if (this.unchanged(path, f.content, f.mode) === undefined) return false;
    const listing = new Map<string, Set<string>>([["", new Set()]]);
    for (const path of tree.keys()) {
      let parent = "";
      for (const seg of path.split("/")) {
        (listing.get(parent) as Set<string>).add(seg);
        parent = parent === "" ? seg : `${parent}/${seg}`;
        if (parent !== path && !listing.has(parent)) listing.set(parent, new Set());
      }
    }
    const folderMode = 0o755 & ~process.umask();
    for (const [rel, names] of listing) {
      let entries: string[];
      try {
        if (rel !== "" && this.folderMode(rel) !== folderMode) return false;
        entries = readdirSync(rel === "" ? this.dir : under(this.dir, rel));
      } catch {
        return false;
      }
      // Exactly the tree's names, and at the top level maybe dot entries of the user's besides.
      let found = 0;
      for (const e of entries) {
        if (names.has(e)) found++;
        else if (!(rel === "" && e.startsWith("."))) return false;
      }
      if (found !== names.size) return false;
    }
    return true;
  }
}

/** The directory a symlinked output path points at (the link stays; its target is replaced). */
function followSymlink(path: string): string {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path;
  }
}

/**
 * Create the temporary directory: its parent is made when missing, and a leftover of an interrupted run
 * with the same process id is removed first (both rare, so only tried when the first attempt fails).
 */
function makeTempDir(tmp: string): void {
  try {
    mkdirSync(tmp, { mode: 0o755 });
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") mkdirSync(parentPath(tmp), { recursive: true });
    else if (code === "EEXIST") rmSync(tmp, { recursive: true, force: true });
    else throw err;
  }
  mkdirSync(tmp, { mode: 0o755 });
}

/** Create a directory of the new tree (parents first), each once. */
function ensureDir(d: string, made: Set<string>): void {
  if (made.has(d)) return;
  ensureDir(parentPath(d), made);
  mkdirSync(d, { mode: 0o755 });
  made.add(d);
}

export interface WriteResult {
  files: number;
  /** Files carried over unchanged from the bundle that was replaced. */
  reused: number;
  /** The directory already held exactly this bundle, so nothing was written. */
  upToDate: boolean;
}

/**
 * Write the tree to a temporary sibling directory, then rename it into place. An earlier bundle in the
 * way is swapped out and removed; its top-level dot entries (such as `.git`) are carried over. When the
 * directory already holds exactly this tree, it is left as it is.
 */
export function writeTreeAtomic(output: string, tree: FileTree, defaultDir: string): WriteResult {
  const dir = followSymlink(absolutePath(output));
  const state = checkOutputDir(dir, defaultDir);
  const prior = state === "bundle" ? new PriorBundle(dir) : undefined;
  if (prior?.holds(tree)) return { files: tree.size, reused: tree.size, upToDate: true };
  const parent = parentPath(dir);
  const tmp = under(parent, `.${lastSegment(dir)}.aicr-tmp-${process.pid}`);
  const old = under(parent, `.${lastSegment(dir)}.aicr-old-${process.pid}`);
  const carried: string[] = [];
  let reused = 0;
  try {
    makeTempDir(tmp);
    const made = new Set<string>([tmp]);
    const umask = process.umask();
    for (const [path, f] of tree) {
      const target = under(tmp, path);
      ensureDir(parentPath(target), made);
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
      // No fsync: the whole tree is renamed into place. The mode is set exactly, whatever the umask.
      writeFileSync(target, f.content, { flag: "wx", mode: f.mode });
      if ((f.mode & umask) !== 0 && f.mode !== 0o644) chmodSync(target, f.mode);
    }
    if (state === "bundle") {
      for (const name of readdirSync(dir)) {
        if (!name.startsWith(".") || tree.has(name)) continue;
        renameSync(under(dir, name), under(tmp, name));
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
        renameSync(under(tmp, name), under(dir, name));
      } catch {
        // Left in the temporary directory: named in the error below.
      }
    }
    rmSync(tmp, { recursive: true, force: true });
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw invalid(`cannot write bundle to ${dir}: ${why}${carried.length > 0 ? ` (check ${tmp} for ${carried.join(", ")})` : ""}`);
  }
  return { files: tree.size, reused, upToDate: false };
}
