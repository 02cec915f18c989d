/**
 * The compiled CLI starts with JavaScriptCore's tier-up thresholds scaled by STARTUP_JIT_POLICY (the
 * `--compile-jit-policy` flag in package.json's build script): most commands finish within tens of
 * milliseconds, and compiling their run-once code costs more than it saves. Commands that run long or
 * crunch large inputs go back to the normal policy.
 */

/** The scale the executable is built with (kept equal to package.json's `--compile-jit-policy`). */
export const STARTUP_JIT_POLICY = 100;

/** Back to JavaScriptCore's normal tier-up thresholds (a server, a fleet-sized computation). */
export function useNormalJit(): void {
  Bun.unsafe.setJITPolicy(1);
}
