/**
 * Offline bundle verification: recompute every digest listed in `checksums.txt` and compare the listing
 * with the files actually present. Reports every changed, missing and extra file (never just the first).
 */
import { invalid } from "../errors.ts";
import { byteSorted } from "../yaml.ts";
import { CHECKSUMS_FILE, parseChecksums, sha256Hex } from "./checksums.ts";
import { isSafeRelativePath } from "./file-tree.ts";

/** Written after checksums.txt (signatures), so never listed in it and never "extra". */
export const ATTESTATION_DIR = "attestation";

export interface ChecksumReport {
  /** Files listed in checksums.txt (0 when checksums.txt is missing or unreadable). */
  listed: number;
  /** Listed files whose content changed. */
  changed: string[];
  /** Listed files that are gone. */
  missing: string[];
  /** Files present but not listed. */
  extra: string[];
  /** Problems with checksums.txt itself (missing, malformed, unsafe paths). */
  errors: string[];
}

export const checksumsPassed = (r: ChecksumReport): boolean =>
  r.errors.length === 0 && r.changed.length === 0 && r.missing.length === 0 && r.extra.length === 0;

/**
 * `checksumsText`: the bundle's checksums.txt (undefined when absent); `files`: every regular file of the
 * bundle by relative path (`/`-separated) with its bytes.
 */
export function verifyChecksums(checksumsText: string | undefined, files: ReadonlyMap<string, Uint8Array>): ChecksumReport {
  const report: ChecksumReport = { listed: 0, changed: [], missing: [], extra: [], errors: [] };
  if (checksumsText === undefined) {
    report.errors.push(`${CHECKSUMS_FILE} not found`);
    return report;
  }
  let entries;
  try {
    entries = parseChecksums(checksumsText);
  } catch (err) {
    report.errors.push((err as Error).message);
    return report;
  }
  const listed = new Set<string>();
  for (const e of entries) {
    if (!isSafeRelativePath(e.path)) {
      report.errors.push(`path traversal detected in checksum entry: ${e.path}`);
      continue;
    }
    if (listed.has(e.path)) {
      report.errors.push(`${e.path} is listed twice in ${CHECKSUMS_FILE}`);
      continue;
    }
    listed.add(e.path);
    const data = files.get(e.path);
    if (data === undefined) report.missing.push(e.path);
    else if (sha256Hex(data) !== e.digest) report.changed.push(e.path);
  }
  report.listed = listed.size;
  for (const p of files.keys()) {
    if (p === CHECKSUMS_FILE || p.startsWith(`${ATTESTATION_DIR}/`) || listed.has(p)) continue;
    report.extra.push(p);
  }
  byteSorted(report.changed);
  byteSorted(report.missing);
  byteSorted(report.extra);
  return report;
}

export const trustLevels = ["unknown", "unverified", "attested", "verified"] as const;
export type TrustLevel = (typeof trustLevels)[number];

export function parseTrustLevel(raw: string): TrustLevel | "max" {
  const v = raw.trim().toLowerCase();
  if (v === "max") return "max";
  if ((trustLevels as readonly string[]).includes(v)) return v as TrustLevel;
  throw invalid(`invalid trust level "${raw}": must be one of max, ${trustLevels.join(", ")}`);
}

export interface VerifyResult {
  trustLevel: TrustLevel;
  /** Highest level this build can establish for the bundle. */
  maxAchievable: TrustLevel;
  checksums: ChecksumReport;
  /** Attestation files present but not checked (no Sigstore verification in this build). */
  unverifiedAttestations: string[];
}

/**
 * Trust level from the checksum report. This build does not check Sigstore signatures (design: docs/attestation.md), so a bundle can reach
 * `unverified` (checksums good) at best; attestation files are reported as present but unchecked.
 */
export function assessBundle(report: ChecksumReport, files: ReadonlyMap<string, Uint8Array>): VerifyResult {
  const attestations = byteSorted([...files.keys()].filter((p) => p.startsWith(`${ATTESTATION_DIR}/`)));
  const level: TrustLevel = checksumsPassed(report) ? "unverified" : "unknown";
  return { trustLevel: level, maxAchievable: level, checksums: report, unverifiedAttestations: attestations };
}

const rank = (l: TrustLevel) => trustLevels.indexOf(l);

/** The policy failure for a required level, or undefined when the result meets it. */
export function policyFailure(result: VerifyResult, required: TrustLevel | "max"): string | undefined {
  if (required === "max") {
    if (rank(result.trustLevel) < rank(result.maxAchievable)) {
      return `trust level "${result.trustLevel}" does not meet maximum achievable "${result.maxAchievable}" for this bundle`;
    }
    return undefined;
  }
  if (rank(result.trustLevel) < rank(required)) return `trust level "${result.trustLevel}" does not meet minimum "${required}"`;
  return undefined;
}
