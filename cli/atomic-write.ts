/** Writing a file atomically: a temp file in the same directory, synced, then renamed over the target. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AicrError, invalid } from "../core/errors.ts";

/** Write `text` to `path` atomically. */
export function writeFileAtomic(path: string, text: string): void {
  try {
    if (statSync(path).isDirectory()) throw invalid(`output path ${path} is a directory`);
  } catch (err) {
    if (err instanceof AicrError) throw err;
  }
  const tmp = join(dirname(path), `.${basename(path)}.aicr-tmp-${process.pid}`);
  try {
    const fd = openSync(tmp, "w", 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw invalid(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (check that the directory exists and is writable)`);
  }
}

