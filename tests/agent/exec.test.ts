import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ExecError, execCommand } from "../../agent/exec.ts";
import { exists, expectAllDead, pidsIn, tempDir, waitFor } from "./helpers.ts";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
const pidFile = () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, "pids");
};

/** A shell that starts a helper process and waits for it, writing "<shell pid> <helper pid>" to `file`. */
const hangingShell = (file: string, prelude = "") => ["-c", `${prelude} sleep 600 & echo "$$ $!" > "${file}"; wait`];

describe("exec adapter", () => {
  test("returns stdout, stderr and the exit status without a shell", async () => {
    const r = await execCommand("/bin/sh", ["-c", 'printf "out $1"; printf err >&2; exit 3', "sh", "a b"]);
    expect(r).toEqual({ exitCode: 3, stdout: "out a b", stderr: "err" });
  });

  test("the child sees exactly the environment it is given", async () => {
    const r = await execCommand("/bin/sh", ["-c", 'echo "$ONLY_THIS:${HOME:-unset}"'], { env: { ONLY_THIS: "yes", PATH: "/usr/bin:/bin" } });
    expect(r.stdout).toBe("yes:unset\n");
  });

  test("a command that cannot start is an error naming it", async () => {
    const err = await execCommand("/nonexistent/nvidia-smi", []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect((err as ExecError).reason).toBe("spawn");
    expect((err as ExecError).message).toContain("/nonexistent/nvidia-smi");
  });

  test("on timeout the whole process group is killed, helpers included", async () => {
    const file = pidFile();
    const err = await execCommand("/bin/sh", hangingShell(file), { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect((err as ExecError).reason).toBe("timeout");
    expect(pidsIn(file)).toHaveLength(2);
    await expectAllDead(pidsIn(file));
  });

  test("aborting the signal stops the command and its helpers", async () => {
    const file = pidFile();
    const ac = new AbortController();
    const running = execCommand("/bin/sh", hangingShell(file), { signal: ac.signal, timeoutMs: 60_000 }).catch((e: unknown) => e);
    await waitFor(() => exists(file) && pidsIn(file).length === 2, "the helper to start");
    ac.abort();
    const err = await running;
    expect((err as ExecError).reason).toBe("aborted");
    await expectAllDead(pidsIn(file));
  });

  test("processes that ignore SIGTERM are killed after the grace period", async () => {
    const file = pidFile();
    const err = await execCommand("/bin/sh", hangingShell(file, "trap '' TERM;"), { timeoutMs: 200, killGraceMs: 200 }).catch((e: unknown) => e);
    expect((err as ExecError).reason).toBe("timeout");
    await expectAllDead(pidsIn(file));
  });

  test("an already aborted signal starts nothing", async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await execCommand("/bin/sh", ["-c", "exit 0"], { signal: ac.signal }).catch((e: unknown) => e);
    expect((err as ExecError).reason).toBe("aborted");
  });
});
