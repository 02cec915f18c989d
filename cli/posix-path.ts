/**
 * The few POSIX path operations the bundle writer needs, for absolute paths and the relative paths of
 * a bundle tree. Loading node:path costs more at start-up than a short command spends on paths.
 */

/** `p` made absolute against the working directory, `.` and `..` resolved, no trailing slash. */
export function absolutePath(p: string, cwd: string = process.cwd()): string {
  const parts: string[] = [];
  for (const seg of (p.startsWith("/") ? p : `${cwd}/${p}`).split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join("/")}`;
}

/** The directory part of an absolute path (`/` for `/` and top-level entries). */
export function parentPath(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/** The last segment of an absolute path. */
export const lastSegment = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

/** `rel` (a relative path without `.` or `..` segments) under the absolute directory `dir`. */
export const under = (dir: string, rel: string): string => (dir === "/" ? `/${rel}` : `${dir}/${rel}`);
