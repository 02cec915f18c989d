/** Error lines are red on a terminal only (and never with NO_COLOR). */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BUN, REPO } from "./helpers.ts";

const main = join(REPO, "cli", "main.ts");
const bad = [BUN, main, "recipe", "--service", "nope"];

/** Run under a pseudo-terminal (util-linux `script`), returning what the terminal showed. */
function onTerminal(cmd: string[], env: Record<string, string> = {}): string {
  const line = cmd.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const p = Bun.spawnSync(["script", "-qec", line, "/dev/null"], { cwd: REPO, env: { ...(process.env as Record<string, string>), ...env }, stdin: "ignore" });
  return p.stdout.toString();
}

describe("colours", () => {
  test("an error line is red on a terminal", () => {
    const out = onTerminal(bad);
    expect(out).toContain('\u001B[31merror: ');
    expect(out).toContain('invalid service type: "nope"');
  });

  test("not with NO_COLOR, and not into a pipe", () => {
    expect(onTerminal(bad, { NO_COLOR: "1" })).not.toContain("\u001B[31m");
    const piped = Bun.spawnSync(bad, { cwd: REPO, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    expect(piped.stderr.toString()).toStartWith("error: ");
  });
});
