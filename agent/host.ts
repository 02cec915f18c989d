/**
 * Host-root aware file access. With `--host-root /host` the host's `/etc/os-release` is read from
 * `/host/etc/os-release`, and symbolic links are followed as the host would follow them: an absolute
 * link target starts again at the host root and `..` never climbs above it. Commands are looked up on
 * PATH under the same root.
 */
import { constants } from "node:fs";
import { access, lstat, open, readdir, readlink, stat } from "node:fs/promises";
import { posix } from "node:path";

/** Largest file read by collectors (1 MiB, as upstream's file parser). */
export const MAX_HOST_FILE_BYTES = 1024 * 1024;
/** Symbolic links followed while resolving one path before giving up (as Linux's ELOOP limit). */
export const MAX_SYMLINK_HOPS = 40;
/** Directories searched for commands in addition to PATH (standard system directories). */
export const DEFAULT_COMMAND_DIRS: readonly string[] = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** A file a collector cannot use (too large, not text); `code` mirrors Node's errno style. */
export class HostFileError extends Error {
  constructor(
    readonly code: "EFBIG" | "EILSEQ" | "ELOOP",
    message: string,
  ) {
    super(message);
    this.name = "HostFileError";
  }
}

export const errnoOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;
/** The path (or one of its parents) does not exist. */
export const isNotFound = (err: unknown): boolean => errnoOf(err) === "ENOENT" || errnoOf(err) === "ENOTDIR";

/**
 * The real path of host path `hostPath` under `root`, following symlinks inside the root (an absolute
 * target restarts at the root; `..` stops at it). Missing components are allowed: the joined path is
 * returned and the caller's read reports ENOENT.
 */
export async function resolveHostPath(root: string, hostPath: string): Promise<string> {
  const base = posix.resolve(root);
  if (base === "/") return posix.resolve("/", hostPath);
  const pending = posix.normalize(`/${hostPath}`).split("/").filter((p) => p !== "" && p !== ".");
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === "..") {
      done.pop();
      continue;
    }
    const real = posix.join(base, ...done, part);
    let isLink = false;
    try {
      isLink = (await lstat(real)).isSymbolicLink();
    } catch {
      // Missing: keep the remaining components as they are.
      return posix.join(base, ...done, part, ...pending);
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) throw new HostFileError("ELOOP", `too many symbolic links resolving ${hostPath}`);
    const target = await readlink(real);
    if (target.startsWith("/")) done.length = 0;
    pending.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
  }
  return posix.join(base, ...done);
}

/** Host path of a real path under `root` (for messages): `/host/etc/x` → `/etc/x`. */
export function hostPathOf(root: string, realPath: string): string {
  const base = posix.resolve(root);
  if (base === "/") return realPath;
  const rel = posix.relative(base, realPath);
  return rel.startsWith("..") ? realPath : `/${rel}`;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Read a real path as UTF-8 text of at most `maxBytes` bytes. Works for /proc files, whose size is
 * reported as 0. Errors: Node's (ENOENT, EACCES, ...), EFBIG when too large, EILSEQ when not UTF-8.
 */
export async function readTextFile(realPath: string, maxBytes = MAX_HOST_FILE_BYTES): Promise<string> {
  const fh = await open(realPath, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new HostFileError("EFBIG", `${realPath} is larger than ${maxBytes} bytes`);
    }
    try {
      return utf8.decode(Buffer.concat(chunks, total));
    } catch {
      throw new HostFileError("EILSEQ", `${realPath} is not valid UTF-8`);
    }
  } finally {
    await fh.close();
  }
}

/** Read host path `hostPath` under `root` as text (see readTextFile). */
export async function readHostText(root: string, hostPath: string, maxBytes = MAX_HOST_FILE_BYTES): Promise<string> {
  return readTextFile(await resolveHostPath(root, hostPath), maxBytes);
}

/** Whether host path `hostPath` exists under `root` (following links inside the root). */
export async function hostPathExists(root: string, hostPath: string): Promise<boolean> {
  try {
    await stat(await resolveHostPath(root, hostPath));
    return true;
  } catch {
    return false;
  }
}

/** Entries of a real directory with their types (symlinks reported as links, not followed). */
export async function listDir(realPath: string) {
  return readdir(realPath, { withFileTypes: true });
}

/** Directories to search for a command: PATH entries first, then the standard ones, without repeats. */
export function commandDirs(pathEnv: string | undefined, extra: readonly string[] = []): string[] {
  const dirs = [...(pathEnv ?? "").split(":"), ...DEFAULT_COMMAND_DIRS, ...extra].filter((d) => d.startsWith("/"));
  return [...new Set(dirs)];
}

/**
 * Find executable `command` in `dirs` (host paths) under `root`. Returns the real path to run, or
 * undefined when no directory holds an executable regular file of that name.
 */
export async function findCommand(root: string, command: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    let real: string;
    try {
      real = await resolveHostPath(root, posix.join(dir, command));
      if (!(await stat(real)).isFile()) continue;
      await access(real, constants.X_OK);
    } catch {
      continue;
    }
    return real;
  }
  return undefined;
}
