/** The bundle writer's path helpers agree with node:path on the paths they are given. */
import { describe, expect, test } from "bun:test";
import { basename, dirname, join, resolve } from "node:path";
import { absolutePath, lastSegment, parentPath, under } from "../../cli/posix-path.ts";

const cwd = "/work/dir";
const inputs = ["out", "./out", "out/", "a/b/../c", "../up", "../../../../past-root", "/abs", "/abs/./x//y/", "/", ".", "..", "a//b", "bundle-v1.2"];

describe("posix path helpers", () => {
  test("absolutePath resolves like path.resolve", () => {
    for (const p of inputs) expect(absolutePath(p, cwd), p).toBe(resolve(cwd, p));
  });

  test("parentPath, lastSegment and under match dirname, basename and join for absolute paths", () => {
    for (const p of inputs.map((i) => resolve(cwd, i))) {
      expect(parentPath(p), p).toBe(dirname(p));
      expect(lastSegment(p), p).toBe(basename(p));
      expect(under(p, "001-x/values.yaml"), p).toBe(join(p, "001-x/values.yaml"));
    }
  });
});
