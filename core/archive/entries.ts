/**
 * What an archive holds: the directories and files of a file tree, in depth-first order with the
 * entries of each directory in byte order of their names (the order a sorted directory walk gives),
 * each directory before its contents. The root itself has no entry.
 */
import { invalid } from "../errors.ts";

export interface ArchiveFile {
  /** Relative path with `/` separators. */
  path: string;
  content: string | Uint8Array;
  /** Permission bits, e.g. 0o644 or 0o755. */
  mode: number;
}

export interface ArchiveEntry {
  /** Relative path; directories have no trailing slash here. */
  path: string;
  type: "dir" | "file";
  mode: number;
  data: Uint8Array;
}

/** Permission bits of the directories an archive adds. */
export const DIR_MODE = 0o755;

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

interface Node {
  file?: ArchiveFile;
  children: Map<string, Node>;
}

const byteOrder = (a: string, b: string) => {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
};

/** Entries of `files` with their parent directories; a path that is unsafe or given twice is INVALID_REQUEST. */
export function archiveEntries(files: Iterable<ArchiveFile>): ArchiveEntry[] {
  const root: Node = { children: new Map() };
  for (const f of files) {
    const parts = f.path.split("/");
    if (f.path === "" || f.path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
      throw invalid(`archive: unsafe path "${f.path}"`);
    }
    let node = root;
    for (const [i, part] of parts.entries()) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      if (next.file) throw invalid(`archive: "${f.path}" is below the file ${parts.slice(0, i + 1).join("/")}`);
      node = next;
    }
    if (node.file || node.children.size > 0) throw invalid(`archive: "${f.path}" given twice or also a directory`);
    node.file = f;
  }
  const out: ArchiveEntry[] = [];
  const walk = (node: Node, prefix: string) => {
    for (const name of [...node.children.keys()].sort(byteOrder)) {
      const child = node.children.get(name) as Node;
      const path = prefix ? `${prefix}/${name}` : name;
      if (child.file) {
        const c = child.file.content;
        out.push({ path, type: "file", mode: child.file.mode & 0o7777, data: typeof c === "string" ? encoder.encode(c) : c });
      } else {
        out.push({ path, type: "dir", mode: DIR_MODE, data: EMPTY });
        walk(child, path);
      }
    }
  };
  walk(root, "");
  return out;
}

/** Total size of the files' contents in bytes. */
export const contentBytes = (entries: readonly ArchiveEntry[]): number => entries.reduce((n, e) => n + e.data.length, 0);
