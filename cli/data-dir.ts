/**
 * Reading an external data directory (`--data DIR`) after checking it: registry.yaml required; no
 * symlinks, no `..` in any path, no file over 10 MiB.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { internal, invalid, notFound } from "../core/errors.ts";

/** Largest file accepted in an external data directory. */
export const MAX_DATA_FILE_BYTES = 10 * 1024 * 1024;

export function readDataDir(dir: string): { path: string; text: string }[] {
  let st;
  try {
    st = statSync(dir);
  } catch (err) {
    throw notFound(`external data directory not found: ${dir}`, err);
  }
  if (!st.isDirectory()) throw invalid(`external data path is not a directory: ${dir}`);
  try {
    statSync(join(dir, "registry.yaml"));
  } catch {
    throw invalid(`registry.yaml is required in external data directory: ${dir} (add one, even with an empty components list)`);
  }
  const files: { path: string; text: string }[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (r.includes("..")) throw invalid(`path traversal detected: ${r}`);
      const lst = lstatSync(join(dir, r));
      if (lst.isSymbolicLink()) throw invalid(`symlinks not allowed: ${r} (copy the file into the data directory)`);
      if (lst.isDirectory()) {
        walk(r);
        continue;
      }
      if (lst.size > MAX_DATA_FILE_BYTES) throw invalid(`file too large (${lst.size} bytes, max ${MAX_DATA_FILE_BYTES}): ${r}`);
      files.push({ path: r, text: readFileSync(join(dir, r), "utf8") });
    }
  };
  try {
    walk("");
  } catch (err) {
    throw internal(`external directory validation failed`, err);
  }
  return files;
}

