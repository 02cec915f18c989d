/**
 * Names of one live run (§10.5): the run id (local time plus 8 random bytes), validator Job names
 * (`aicr-<validator>-<8 hex>`) and the ConfigMaps holding the inputs and the per-phase reports.
 * Randomness and time are passed in, so the same inputs give the same names.
 */
import type { LivePhase } from "../phases.ts";

/** Kubernetes object names (DNS labels for Jobs) are at most this long. */
export const MAX_NAME_LENGTH = 63;

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const two = (n: number) => String(n).padStart(2, "0");

/** `YYYYMMDD-HHMMSS-<16 hex>` from local time and 8 random bytes. */
export function runId(now: Date, random: Uint8Array): string {
  if (random.length < 8) throw new Error("runId needs 8 random bytes");
  const date = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`;
  const time = `${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  return `${date}-${time}-${hex(random.subarray(0, 8))}`;
}

/** `aicr-<validator>-<8 hex>`, the validator part shortened when the name would be too long. */
export function validatorJobName(validator: string, random: Uint8Array): string {
  if (random.length < 4) throw new Error("validatorJobName needs 4 random bytes");
  const suffix = `-${hex(random.subarray(0, 4))}`;
  const room = MAX_NAME_LENGTH - "aicr-".length - suffix.length;
  const base = validator.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, room).replace(/-+$/, "");
  return `aicr-${base}${suffix}`;
}

export const recipeConfigMapName = (run: string): string => `aicr-recipe-${run}`;
export const snapshotConfigMapName = (run: string): string => `aicr-snapshot-${run}`;
export const ctrfConfigMapName = (run: string, phase: LivePhase): string => `aicr-ctrf-${run}-${phase}`;
