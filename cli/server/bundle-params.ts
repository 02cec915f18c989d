/**
 * Bundle options from the query string of POST /v1/bundle. Repeatable options use repeated keys
 * (`?set=a:x=1&set=b:y=2`) and are never split on commas. Each option is checked on its own first,
 * so the 400 names the parameter at fault. Also the archive format (`archive=zip|tar`, or `Accept`).
 */
import { parseBundleOptions, type BundleOptions, type RawBundleOptions } from "../../core/bundle/options.ts";
import { ErrorCode, invalid } from "../../core/errors.ts";
import { ApiError, badRequest } from "./api-error.ts";

export type ArchiveFormat = "zip" | "tar";
export const archiveFormats: readonly ArchiveFormat[] = ["zip", "tar"];

type ListKey = "set" | "dynamic" | "systemNodeSelector" | "systemNodeTolerations" | "acceleratedNodeSelector" | "acceleratedNodeTolerations" | "workloadSelector";

/** Repeatable parameters: query key, option, and the message of a bad value. */
const listParams: readonly [string, ListKey, string][] = [
  ["set", "set", "Invalid set parameter"],
  ["dynamic", "dynamic", "Invalid dynamic parameter"],
  ["system-node-selector", "systemNodeSelector", "Invalid system-node-selector"],
  ["system-node-toleration", "systemNodeTolerations", "Invalid system-node-toleration"],
  ["accelerated-node-selector", "acceleratedNodeSelector", "Invalid accelerated-node-selector"],
  ["accelerated-node-toleration", "acceleratedNodeTolerations", "Invalid accelerated-node-toleration"],
  ["workload-selector", "workloadSelector", "Invalid workload-selector parameter"],
];

function checked(raw: RawBundleOptions, message: string): void {
  try {
    parseBundleOptions(raw);
  } catch (err) {
    throw badRequest(message, err);
  }
}

export function bundleOptionsFromQuery(params: URLSearchParams): BundleOptions {
  const raw: RawBundleOptions = {};
  for (const [key, option, message] of listParams) {
    const values = params.getAll(key);
    if (values.length === 0) continue;
    checked({ [option]: values }, message);
    raw[option] = values;
  }
  const deployer = params.get("deployer");
  if (deployer !== null && deployer.trim() !== "") {
    checked({ deployer }, "Invalid deployer parameter");
    raw.deployer = deployer;
  }
  const gate = params.get("workload-gate");
  if (gate !== null && gate.trim() !== "") {
    checked({ workloadGate: gate }, "Invalid workload-gate parameter");
    raw.workloadGate = gate;
  }
  const storageClass = params.get("storage-class");
  if (storageClass !== null) {
    checked({ storageClass }, "Invalid storage-class parameter");
    raw.storageClass = storageClass;
  }
  const nodes = params.get("nodes");
  if (nodes !== null && nodes !== "") {
    if (!/^\+?\d+$/.test(nodes)) throw new ApiError(ErrorCode.InvalidRequest, "nodes must be a non-negative integer");
    raw.nodes = Number(nodes);
  }
  const repo = params.get("repo");
  if (repo !== null) raw.repo = repo;
  try {
    return parseBundleOptions(raw);
  } catch (err) {
    throw badRequest("Invalid bundle parameters", err);
  }
}

/** `archive=zip|tar` wins; else `Accept: application/x-tar` gives tar; else zip. */
export function archiveFormatOf(params: URLSearchParams, accept: string | null): ArchiveFormat {
  const asked = params.get("archive");
  if (asked !== null) {
    const f = asked.trim().toLowerCase();
    if (f === "zip" || f === "tar") return f;
    throw badRequest("Invalid archive parameter", invalid(`invalid archive format "${asked}" (allowed: ${archiveFormats.join(", ")})`), { allowed: [...archiveFormats] });
  }
  const a = (accept ?? "").toLowerCase();
  return /application\/(x-)?tar\b/.test(a) && !/application\/(x-)?zip\b/.test(a) ? "tar" : "zip";
}
