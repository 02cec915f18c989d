/**
 * `aicr-agent check <name>`: run one validation check against the cluster and report it the way a
 * validator container must: evidence on stdout, the verdict as JSON in the termination-message file,
 * and the exit status 0 passed, 1 failed, 2 skipped. A check that cannot run at all (no recipe,
 * no cluster, API errors) writes status "error" and exits with its error's status, never 0-2.
 */
import { existsSync, writeFileSync } from "node:fs";
import { AicrError, errorDetails, exitCodeFor, invalid, renderError } from "../../core/errors.ts";
import {
  DEFAULT_TERMINATION_MESSAGE_PATH,
  encodeCheckResult,
  exitCodeOf,
  type CheckResult,
} from "../../core/validate/live/check-result.ts";
import { flagHelp, parseFlags, type FlagDef } from "../flags.ts";
import { watchInterrupts } from "../interrupts.ts";
import type { KubeClient } from "../kube/client.ts";
import type { CheckContext } from "./context.ts";
import { checkNames, checks } from "./registry.ts";

/** Environment variable moving the termination-message file (tests; unusual pod specs). */
export const TERMINATION_MESSAGE_PATH_ENV = "AICR_TERMINATION_MESSAGE_PATH";
/** Environment variable giving the default of --host-root. */
export const HOST_ROOT_ENV = "AICR_HOST_ROOT";
/** Exit status of a check that could not decide and whose error maps to 0, 1 or 2. */
export const EXIT_CHECK_ERROR = 8;
/** Exit status after SIGTERM (the Job's deadline) or SIGINT. */
export const EXIT_CHECK_INTERRUPTED: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

export const checkFlags: readonly FlagDef[] = [
  { name: "recipe-configmap", type: "string", value: "NS/NAME", description: "Read the recipe (and its manifests) from this ConfigMap (default: $AICR_RECIPE_CONFIGMAP)" },
  { name: "snapshot-configmap", type: "string", value: "NS/NAME", description: "Read the snapshot from this ConfigMap (default: $AICR_SNAPSHOT_CONFIGMAP)" },
  { name: "recipe", type: "string", value: "FILE", description: "Read the recipe from a file instead (default: $AICR_RECIPE_PATH)" },
  { name: "snapshot", type: "string", value: "FILE", description: "Read the snapshot from a file instead (default: $AICR_SNAPSHOT_PATH)" },
  { name: "kubeconfig", type: "string", value: "PATH", description: "Kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster service account)" },
  { name: "host-root", type: "string", value: "DIR", description: "Host filesystem root for node-local commands such as nvidia-smi (default $AICR_HOST_ROOT or /)" },
  { name: "debug", type: "boolean", description: "Stack traces on errors" },
  { name: "help", alias: "h", type: "boolean", description: "Show this help" },
];

export const checkHelp = (): string => `Run one validation check against the cluster (as a validator Job does).

Usage:
  aicr-agent check <name> [flags]

Checks:
  ${checkNames().join("\n  ")}

Flags:
${flagHelp(checkFlags)}

Output: evidence lines on stdout; the verdict as one JSON object in the termination-message file
(${DEFAULT_TERMINATION_MESSAGE_PATH} when it exists, or $${TERMINATION_MESSAGE_PATH_ENV}).

Exit status:
  0    passed
  1    failed
  2    skipped (not applicable to this recipe or cluster)
  3-8  the check could not run: 3 not found, 4 not allowed, 5 timeout, 6 API server unavailable,
       8 anything else (bad command line included)
  143  terminated (the Job's deadline); 130 interrupted
`;

export interface CheckIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CheckRunOptions {
  env?: Record<string, string | undefined>;
  /** Build the client (tests hand one in); default: discovery with --kubeconfig. */
  client?: () => KubeClient;
}

/** Write the verdict where the kubelet reads it: the explicit path, or the default one when it exists. */
function writeTerminationMessage(env: Record<string, string | undefined>, r: CheckResult, io: CheckIo): void {
  const explicit = env[TERMINATION_MESSAGE_PATH_ENV]?.trim();
  const path = explicit || DEFAULT_TERMINATION_MESSAGE_PATH;
  if (!explicit && !existsSync(path)) return;
  try {
    writeFileSync(path, encodeCheckResult(r));
  } catch (err) {
    io.err(`warning: cannot write the termination message ${path}: ${(err as Error).message}\n`);
  }
}

const errorExit = (err: unknown): number => {
  const code = exitCodeFor(err);
  return code <= 2 ? EXIT_CHECK_ERROR : code;
};

export async function runCheckCommand(argv: readonly string[], io: CheckIo, opts: CheckRunOptions = {}): Promise<number> {
  const env = opts.env ?? process.env;
  const [name = "", ...rest] = argv;
  if (name === "" || name === "--help" || name === "-h") {
    io.out(checkHelp());
    return 0;
  }
  const debug = rest.includes("--debug");
  const fail = (err: unknown): number => {
    io.err(`error: ${renderError(err)}\n`);
    for (const d of errorDetails(err)) io.err(`  ${d}\n`);
    if (debug && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
    writeTerminationMessage(env, { check: name, status: "error", message: renderError(err) }, io);
    return err instanceof AicrError ? errorExit(err) : EXIT_CHECK_ERROR;
  };
  // A usage error must not exit 2: to a validator Job, 2 means "skipped".
  let flags: ReturnType<typeof parseFlags>;
  let load: (typeof checks)[string] | undefined;
  try {
    if (name.startsWith("-")) throw invalid(`missing check name before ${name} (run "aicr-agent check --help" for the list)`);
    flags = parseFlags(rest, checkFlags, "aicr-agent check --help");
    load = checks[name];
    if (!load) throw invalid(`unknown check "${name}" (known: ${checkNames().join(", ")})`);
  } catch (err) {
    return fail(err);
  }
  if (flags["help"] === true) {
    io.out(checkHelp());
    return 0;
  }
  const run = load;

  const stops = watchInterrupts();
  const finish = (r: CheckResult, code: number): number => {
    writeTerminationMessage(env, r, io);
    io.out(`check ${name}: ${r.status}: ${r.message}\n`);
    return code;
  };
  // A signal must end the check even while it waits on the API.
  const aborted = new Promise<never>((_, reject) => stops.signal.addEventListener("abort", () => reject(stops.signal.reason), { once: true }));
  aborted.catch(() => undefined);
  try {
    let client: KubeClient | undefined;
    const { createKubeClient } = await import("../kube/client.ts");
    // Built on first use: discovery may fail, and a check reading only a file needs no cluster.
    const getClient =
      opts.client ?? (() => (client ??= createKubeClient({ ...(flags["kubeconfig"] ? { kubeconfig: flags["kubeconfig"] as string } : {}), env })));
    const { loadRecipe, loadSnapshot } = await import("./inputs.ts");
    const inputFlags = {
      ...(flags["recipe-configmap"] ? { recipeConfigMap: flags["recipe-configmap"] as string } : {}),
      ...(flags["snapshot-configmap"] ? { snapshotConfigMap: flags["snapshot-configmap"] as string } : {}),
      ...(flags["recipe"] ? { recipePath: flags["recipe"] as string } : {}),
      ...(flags["snapshot"] ? { snapshotPath: flags["snapshot"] as string } : {}),
    };
    const work = (async () => {
      const input = await loadRecipe(inputFlags, env, getClient);
      let snapshot: ReturnType<typeof loadSnapshot> | undefined;
      const ctx: CheckContext = {
        name,
        recipe: input.recipe,
        manifests: input.manifests,
        snapshot: () => (snapshot ??= loadSnapshot(inputFlags, env, getClient)),
        client: getClient,
        env,
        hostRoot: (flags["host-root"] as string | undefined) ?? env[HOST_ROOT_ENV] ?? "/",
        log: (line) => io.out(`${line}\n`),
        signal: stops.signal,
      };
      io.out(`check ${name}: recipe from ${input.source}\n`);
      return (await run()).default(ctx);
    })();
    const v = await Promise.race([work, aborted]);
    return finish({ check: name, ...v }, exitCodeOf(v.status));
  } catch (err) {
    const sig = stops.received();
    if (sig) {
      const r: CheckResult = { check: name, status: "error", message: `interrupted by ${sig} before the check finished (the Job's deadline?)` };
      return finish(r, EXIT_CHECK_INTERRUPTED[sig]);
    }
    return fail(err);
  } finally {
    stops.dispose();
  }
}
