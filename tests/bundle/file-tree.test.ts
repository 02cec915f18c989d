/**
 * The in-memory bundle tree refuses paths that would leave the bundle directory or make a file and a
 * folder of the same name: a programming error, reported before anything is written.
 */
import { describe, expect, test } from "bun:test";
import { addFile, isSafeRelativePath, type FileTree } from "../../core/bundle/file-tree.ts";

/** The rule stated segment by segment (the reference for the checker). */
const bySegments = (p: string) =>
  p !== "" && !p.startsWith("/") && !p.includes("\\") && !p.includes("\0") && p.split("/").every((s) => s !== "" && s !== "." && s !== "..");

describe("bundle paths", () => {
  test("relative paths of plain segments are safe; empty, `.` and `..` segments, absolute paths and backslashes are not", () => {
    for (const p of ["README.md", "001-a/values.yaml", "a/b/c.yaml", "...", ".hidden/x", "a/.b", "a..b/c", "data/overlays/x.yaml"]) expect(isSafeRelativePath(p), p).toBe(true);
    for (const p of ["", "/etc/passwd", "../x", "a/../b", "a/..", "./a", "a/./b", "a//b", "a/", "a\\b", "a\0b", ".", ".."]) expect(isSafeRelativePath(p), p).toBe(false);
  });

  test("the checker agrees with the segment rule on generated paths", () => {
    const alphabet = ["a", ".", "/", "..", "b.c", "\\"];
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      let p = "";
      for (let n = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 7; n > 0; n--) p += alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
      if (isSafeRelativePath(p) !== bySegments(p)) expect(isSafeRelativePath(p), JSON.stringify(p)).toBe(bySegments(p));
    }
  });

  test("unsafe, repeated and clashing paths are refused as internal errors", () => {
    const tree: FileTree = new Map();
    addFile(tree, "a/b.yaml", "x");
    const internalError = (f: () => void) => {
      try {
        f();
      } catch (err) {
        return `${(err as { code?: string }).code}: ${(err as Error).message}`;
      }
      return "no error";
    };
    expect(internalError(() => addFile(tree, "../escape", "x"))).toBe('INTERNAL: refusing to write bundle file outside the bundle directory: "../escape"');
    expect(() => addFile(tree, "a/b.yaml", "y")).toThrow("bundle file written twice: a/b.yaml");
    expect(() => addFile(tree, "a", "x")).toThrow("bundle path a clashes with a folder of the same name");
    expect(() => addFile(tree, "a/b.yaml/c", "x")).toThrow("bundle path a/b.yaml/c clashes with a/b.yaml");
    expect([...tree.keys()]).toEqual(["a/b.yaml"]);
  });
});
