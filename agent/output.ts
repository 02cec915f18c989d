/**
 * Where a snapshot goes: stdout (no path, or `-`) or a file written atomically (a temporary file in the
 * same directory, synced, then renamed over the target), so readers never see half a snapshot and a
 * failed write leaves nothing behind. `cm://namespace/name` goes through agent/kube/configmap.ts.
 */
import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { AicrError, internal, invalid } from "../core/errors.ts";

export const isStdout = (dest: string | undefined) => dest === undefined || dest.trim() === "" || dest.trim() === "-";
export const isConfigMapUri = (dest: string | undefined) => dest !== undefined && dest.trim().startsWith("cm://");

const errnoText: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
};
const errnoOf = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === undefined ? (err as Error).message : `${errnoText[code] ?? code} (${code})`;
};

/**
 * Check before any work that a file `dest` can be written: not a directory, and its directory exists and
 * is writable. Throws INVALID_REQUEST with the reason. (ConfigMap URIs are checked by their writer.)
 */
export function checkOutputTarget(dest: string | undefined): void {
  if (isStdout(dest)) return;
  const path = (dest as string).trim();
  if (isConfigMapUri(path)) return;
  try {
    if (statSync(path).isDirectory()) throw invalid(`cannot write ${path}: it is a directory`);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") {
      if (err instanceof AicrError) throw err;
      throw invalid(`cannot write ${path}: ${errnoOf(err)}`);
    }
  }
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw invalid(`cannot write ${path}: ${dir} is not a directory`);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof AicrError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? `directory ${dir} does not exist` : code === "ENOTDIR" ? `${dir} is not a directory` : `directory ${dir} is not writable: ${errnoOf(err)}`;
    throw invalid(`cannot write ${path}: ${why}`);
  }
}

/** Write `text` to `path` atomically; on failure nothing is left behind (INTERNAL error). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.aicr-tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    const fd = openSync(tmp, "wx", 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw internal(`cannot write ${path}: ${errnoOf(err)}`);
  }
}

/** Write to stdout (resolving once the text is handed to the OS) or atomically to a file. */
export async function writeOutput(dest: string | undefined, text: string): Promise<void> {
  if (isStdout(dest)) {
    await Bun.write(Bun.stdout, text);
    return;
  }
  writeFileAtomic((dest as string).trim(), text);
}
