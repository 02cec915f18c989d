/**
 * The in-memory bundle: relative path -> file text and mode. Every deployer produces one; the CLI writes
 * it to disk (or lists it) and `checksums.txt` is computed from it. Paths are always relative, use `/`,
 * and never leave the bundle directory.
 */
import { internal } from "../errors.ts";
import { byteSorted } from "../yaml.ts";

export type FileMode = 0o644 | 0o755;

export interface TreeFile {
  content: string;
  mode: FileMode;
}

export type FileTree = Map<string, TreeFile>;

export const FILE_MODE: FileMode = 0o644;
export const SCRIPT_MODE: FileMode = 0o755;

/** True for a relative path made of non-empty segments, none of them `.` or `..`, without backslashes. */
export function isSafeRelativePath(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || path.includes("\0")) return false;
  for (const seg of path.split("/")) if (seg === "" || seg === "." || seg === "..") return false;
  return true;
}

/** Folders implied by each tree's files (so a file can never also be a folder). */
const foldersOf = new WeakMap<FileTree, Set<string>>();

/** Add one file; an unsafe or repeated path, or one clashing with a folder, is a programming error (INTERNAL). */
export function addFile(tree: FileTree, path: string, content: string, mode: FileMode = FILE_MODE): void {
  if (!isSafeRelativePath(path)) throw internal(`refusing to write bundle file outside the bundle directory: "${path}"`);
  if (tree.has(path)) throw internal(`bundle file written twice: ${path}`);
  let folders = foldersOf.get(tree);
  if (!folders) {
    folders = new Set();
    for (const p of tree.keys()) for (let i = p.indexOf("/"); i >= 0; i = p.indexOf("/", i + 1)) folders.add(p.slice(0, i));
    foldersOf.set(tree, folders);
  }
  if (folders.has(path)) throw internal(`bundle path ${path} clashes with a folder of the same name`);
  const parents: string[] = [];
  for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) {
    const dir = path.slice(0, i);
    if (tree.has(dir)) throw internal(`bundle path ${path} clashes with ${dir}`);
    parents.push(dir);
  }
  for (const d of parents) folders.add(d);
  tree.set(path, { content, mode });
}

/** A copy of the tree with paths in byte order (the order every listing and checksum uses). */
export function sortedTree(tree: FileTree): FileTree {
  const paths: string[] = [];
  for (const path of tree.keys()) paths.push(path);
  const sorted: FileTree = new Map();
  for (const path of byteSorted(paths)) sorted.set(path, tree.get(path) as TreeFile);
  return sorted;
}

/** Files of `from` added under `prefix/` (or at the root when prefix is empty). */
export function addTree(tree: FileTree, from: FileTree, prefix = ""): void {
  for (const [path, f] of from) addFile(tree, prefix ? `${prefix}/${path}` : path, f.content, f.mode);
}
