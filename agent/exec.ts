/**
 * Running external commands (nvidia-smi, systemctl) through execa: no shell, a timeout, an AbortSignal,
 * bounded output, and on timeout or abort the whole process group is killed, so helper processes that a
 * command started (a wrapper script's `sleep`, a hung driver query) never outlive it.
 */
import { execa } from "execa";

/** Time a command may run when the caller gives no timeout. */
export const DEFAULT_EXEC_TIMEOUT_MS = 10_000;
/** Time between SIGTERM and SIGKILL when a command's process group is stopped. */
export const DEFAULT_KILL_GRACE_MS = 1_000;
/** Largest stdout or stderr kept from one command (characters); beyond it the command is stopped. */
export const DEFAULT_MAX_OUTPUT_CHARS = 32 * 1024 * 1024;

export interface ExecOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Complete environment of the child (nothing else is inherited). */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  killGraceMs?: number;
  maxOutputChars?: number;
}

export interface ExecResult {
  /** Exit status; non-zero is a normal result, not an error. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Why a command produced no result. */
export type ExecFailure = "timeout" | "aborted" | "spawn" | "signal" | "output";

export class ExecError extends Error {
  constructor(
    readonly reason: ExecFailure,
    message: string,
    readonly stderr = "",
  ) {
    super(message);
    this.name = "ExecError";
  }
}

/** Runs `file` with `args`. Resolves with any exit status; rejects with ExecError when there is no result. */
export type Exec = (file: string, args: readonly string[], opts?: ExecOptions) => Promise<ExecResult>;

/** Process groups still running, killed if this process exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: every member already exited.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const pgid of liveGroups) signalGroup(pgid, "SIGKILL");
  });
}

/** The first line of a command's output, trimmed (for one-line messages). */
export const firstLine = (s: string): string => s.trim().split("\n")[0]?.trim() ?? "";

const definedOnly = (env: Readonly<Record<string, string | undefined>>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));

/** The default Exec: execa in a new process group (`detached`), killed as a group on timeout or abort. */
export const execCommand: Exec = async (file, args, opts = {}) => {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  const grace = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  if (opts.signal?.aborted) throw new ExecError("aborted", `${file} not started: cancelled`);

  const child = execa(file, [...args], {
    detached: true,
    cleanup: false,
    reject: false,
    stdin: "ignore",
    env: opts.env === undefined ? undefined : definedOnly(opts.env),
    extendEnv: opts.env === undefined,
    cwd: opts.cwd,
    maxBuffer: opts.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS,
    stripFinalNewline: false,
    forceKillAfterDelay: false,
  });
  const pgid = child.pid;
  if (pgid !== undefined) {
    installExitHook();
    liveGroups.add(pgid);
  }

  let stopped: ExecFailure | undefined;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = (why: ExecFailure) => {
    if (stopped !== undefined || pgid === undefined) return;
    stopped = why;
    signalGroup(pgid, "SIGTERM");
    // Members that ignore SIGTERM (or keep the output pipe open) are killed after the grace period.
    killTimer = setTimeout(() => signalGroup(pgid, "SIGKILL"), grace);
  };
  const timer = setTimeout(() => stop("timeout"), timeoutMs);
  const onAbort = () => stop("aborted");
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const r = await child;
    if (stopped === "timeout") throw new ExecError("timeout", `${file} did not finish within ${timeoutMs / 1000}s`, String(r.stderr ?? ""));
    if (stopped === "aborted") throw new ExecError("aborted", `${file} stopped: cancelled`, String(r.stderr ?? ""));
    if (r.isMaxBuffer) {
      if (pgid !== undefined) signalGroup(pgid, "SIGKILL");
      throw new ExecError("output", `${file} wrote more output than the ${opts.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS} characters allowed`);
    }
    if (r.failed && r.exitCode === undefined) {
      if (r.signal) throw new ExecError("signal", `${file} was killed by ${r.signal}`, String(r.stderr ?? ""));
      throw new ExecError("spawn", `cannot run ${file}: ${firstLine(r.originalMessage ?? r.shortMessage ?? "")}`);
    }
    return { exitCode: r.exitCode ?? 0, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? "") };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    if (stopped !== undefined) {
      // The leader is gone; make sure no member of its group survives it.
      if (pgid !== undefined) signalGroup(pgid, "SIGKILL");
    }
    if (killTimer !== undefined) clearTimeout(killTimer);
    if (pgid !== undefined) liveGroups.delete(pgid);
  }
};
