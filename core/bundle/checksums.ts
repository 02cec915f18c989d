/**
 * `checksums.txt`: the SHA-256 of every bundle file but itself, one `<hex>  <path>` line per file in
 * path byte order (the format `sha256sum -c` reads).
 */
import { invalid } from "../errors.ts";
import { byteSorted } from "../yaml.ts";
import type { FileTree } from "./file-tree.ts";

export const CHECKSUMS_FILE = "checksums.txt";

export function sha256Hex(data: string | Uint8Array): string {
  // Bun's native hasher: node:crypto would load Node's stream machinery just for this.
  return Bun.CryptoHasher.hash("sha256", data, "hex");
}

/** The checksums file of a tree (any existing checksums.txt entry is ignored). */
export function checksumsFor(tree: FileTree): string {
  const paths: string[] = [];
  for (const p of tree.keys()) if (p !== CHECKSUMS_FILE) paths.push(p);
  byteSorted(paths);
  let text = "";
  for (const p of paths) text += `${sha256Hex((tree.get(p) as { content: string }).content)}  ${p}\n`;
  return text;
}

export interface ChecksumEntry {
  digest: string;
  path: string;
}

const linePattern = /^([0-9a-f]{64}) [ *](.+)$/;

/** Parse a checksums file; blank lines are ignored, anything else malformed is an error naming the line. */
export function parseChecksums(text: string): ChecksumEntry[] {
  const out: ChecksumEntry[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const m = linePattern.exec(line.replace(/\r$/, ""));
    if (!m) throw invalid(`${CHECKSUMS_FILE} line ${i + 1} is malformed: expected "<sha256 hex>  <path>"`);
    out.push({ digest: m[1] as string, path: m[2] as string });
  });
  return out;
}
