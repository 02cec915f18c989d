/**
 * `aicr verify DIR`: check a bundle offline against its checksums.txt and report every changed, missing
 * and extra file. Sigstore attestations are not verified by this build; a bundle's trust level is at most
 * `unverified`.
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AicrError, ErrorCode, invalid, notFound } from "../../core/errors.ts";
import { CHECKSUMS_FILE } from "../../core/bundle/checksums.ts";
import { assessBundle, checksumsPassed, parseTrustLevel, policyFailure, verifyChecksums, type VerifyResult } from "../../core/bundle/verify.ts";
import { stringifyJson } from "../../core/yaml.ts";
import type { Command } from "../runner.ts";
import { UsageError } from "../runner.ts";
import { writeStdout } from "../stdio.ts";

/** What the identity regexp of a binary attestation must pin. */
const IDENTITY_REPO = ["://github.com/NVIDIA/aicr/", "://github\\.com/NVIDIA/aicr/"];

interface BundleFiles {
  files: Map<string, Uint8Array>;
  /** Entries that are neither regular files nor directories (symlinks and the like). */
  special: string[];
}

function readBundle(dir: string): BundleFiles {
  const out: BundleFiles = { files: new Map(), special: [] };
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) out.files.set(r, readFileSync(join(dir, r)));
      else out.special.push(r);
    }
  };
  walk("");
  return out;
}

function problems(result: VerifyResult, special: readonly string[]): string[] {
  const c = result.checksums;
  return [
    ...c.errors,
    ...c.changed.map((p) => `changed: ${p} (checksum mismatch)`),
    ...c.missing.map((p) => `missing: ${p}`),
    ...c.extra.map((p) => `extra: ${p} (not listed in ${CHECKSUMS_FILE})`),
    ...special.map((p) => `not a regular file: ${p}`),
  ];
}

function textReport(result: VerifyResult, problemLines: readonly string[], policy: string | undefined): string {
  const ok = problemLines.length === 0;
  const lines = [
    ok ? `  \u2713 Checksums verified (${result.checksums.listed} files)` : "  \u2717 Checksum verification failed",
    `  Trust level: ${result.trustLevel}`,
  ];
  const notes = result.unverifiedAttestations.map((p) => `${p}: present but not checked (this build does not verify Sigstore attestations)`);
  if (problemLines.length + notes.length > 0) lines.push("", "Details:", ...[...problemLines, ...notes].map((p) => `  - ${p}`));
  lines.push("", `Bundle verification: ${ok && !policy ? "PASSED" : "FAILED"}`);
  if (policy) lines.push(`  ${policy}`);
  return `${lines.join("\n")}\n`;
}

const command: Command = {
  meta: { name: "verify", description: "Verify a bundle offline: every file against checksums.txt (changed, missing, extra)" },
  args: {
    dir: { type: "positional", required: false, description: "Bundle directory", valueHint: "dir" },
    "min-trust-level": { type: "string", description: "Required trust level: max (default), verified, attested, unverified, unknown", valueHint: "level" },
    "require-creator": { type: "string", description: "Required bundle signer identity (needs an attested bundle)", valueHint: "identity" },
    "cli-version-constraint": { type: "string", description: "Required bundler version, e.g. \">= 0.11.0\" (needs an attested bundle)", valueHint: "expr" },
    "certificate-identity-regexp": { type: "string", description: "Override of the binary attestation identity pattern", valueHint: "regexp" },
    format: { type: "string", alias: ["t"], description: "Report format: text (default) or json", valueHint: "format" },
  },
  async run(ctx) {
    const positional = ctx.args._;
    if (positional.length > 1) throw new UsageError(`unexpected argument "${positional[1]}"`, "aicr verify");
    const arg = positional[0];
    ctx.args._ = [];
    if (!arg) throw invalid("bundle directory is required: aicr verify <bundle-dir>");
    const format = String(ctx.args["format"] ?? "text");
    if (format !== "text" && format !== "json") throw invalid(`invalid --format "${format}": must be text or json`);
    const required = parseTrustLevel(String(ctx.args["min-trust-level"] ?? "max"));
    const identity = ctx.args["certificate-identity-regexp"] as string | undefined;
    if (identity !== undefined && !IDENTITY_REPO.some((s) => identity.includes(s))) {
      throw invalid(`--certificate-identity-regexp must contain "${IDENTITY_REPO[0]}" (or its escaped form)`);
    }

    const dir = resolve(arg);
    let bundle: BundleFiles;
    try {
      if (!lstatSync(dir).isDirectory()) throw invalid(`${dir} is not a directory`);
      bundle = readBundle(dir);
    } catch (err) {
      if (err instanceof AicrError) throw err;
      throw notFound(`bundle directory not found: ${dir}`);
    }
    const checksumsBytes = bundle.files.get(CHECKSUMS_FILE);
    const report = verifyChecksums(checksumsBytes === undefined ? undefined : new TextDecoder().decode(checksumsBytes), bundle.files);
    const result = assessBundle(report, bundle.files);
    const found = problems(result, bundle.special);

    let policy = policyFailure(result, required);
    const creator = ctx.args["require-creator"] as string | undefined;
    if (!policy && creator !== undefined) policy = `bundle creator "" does not match required "${creator}"`;
    if (!policy && ctx.args["cli-version-constraint"] !== undefined) policy = "tool version not available in attestation (bundle may be unattested)";

    if (format === "json") {
      await writeStdout(
        stringifyJson({
          trustLevel: result.trustLevel,
          checksumsPassed: checksumsPassed(report) && bundle.special.length === 0,
          checksumFiles: report.listed,
          bundleAttested: false,
          binaryAttested: false,
          identityPinned: false,
          hasExternalData: [...bundle.files.keys()].some((p) => p.startsWith("data/")),
          changed: report.changed,
          missing: report.missing,
          extra: report.extra,
          ...(found.length > 0 ? { errors: found } : {}),
        }),
      );
    } else {
      await writeStdout(textReport(result, found, policy));
    }
    if (policy) throw invalid(policy);
    if (found.length > 0) {
      const more = found.length > 1 ? ` (and ${found.length - 1} more)` : "";
      throw new AicrError(ErrorCode.Unauthorized, `bundle verification failed: ${found[0]}${more}`);
    }
  },
};

export default command;
