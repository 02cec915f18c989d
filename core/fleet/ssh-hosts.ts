/**
 * SSH targets as `aicr snapshot --ssh` takes them (`user@host`, comma-separated and repeatable), and the
 * agent build that runs on a host, from what `uname -m` printed there. Pure.
 */
import { invalid } from "../errors.ts";

export interface SshHost {
  /** What ssh is given: `user@host` or `host`. */
  target: string;
  /** The node name in the fleet: the host part. */
  node: string;
}

/** A user and a host name or IPv4 address; nothing that ssh could read as an option or a path. */
const targetPattern = /^(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?([A-Za-z0-9_][A-Za-z0-9._-]*)$/;

/** Parse `--ssh` values: each split on commas, blanks ignored; a malformed or repeated host is INVALID_REQUEST. */
export function parseSshHosts(values: readonly string[]): SshHost[] {
  const hosts: SshHost[] = [];
  const seen = new Map<string, string>();
  for (const raw of values.flatMap((v) => v.split(","))) {
    const target = raw.trim();
    if (target === "") continue;
    const m = targetPattern.exec(target);
    if (!m) throw invalid(`invalid --ssh host "${target}": expected host or user@host (letters, digits, ".", "-", "_")`);
    const node = m[2] as string;
    const before = seen.get(node);
    if (before !== undefined) throw invalid(`--ssh names host "${node}" twice (${before} and ${target})`);
    seen.set(node, target);
    hosts.push({ target, node });
  }
  if (hosts.length === 0) throw invalid("--ssh needs at least one host (user@host[,user@host...])");
  return hosts;
}

/** Agent builds, by the suffix of their file name (`aicr-agent-linux-x64`). */
export const agentTargets = ["linux-x64", "linux-arm64"] as const;
export type AgentTarget = (typeof agentTargets)[number];

const machines: Record<string, AgentTarget> = {
  x86_64: "linux-x64",
  amd64: "linux-x64",
  aarch64: "linux-arm64",
  arm64: "linux-arm64",
};

/** The agent build for a `uname -m` answer; undefined for a machine we have no build for. */
export function agentTargetFor(machine: string): AgentTarget | undefined {
  return machines[machine.trim().toLowerCase()];
}

export const agentBinaryName = (t: AgentTarget): string => `aicr-agent-${t}`;
