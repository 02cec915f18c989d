/**
 * check-nvidia-smi (deployment): the driver works on every GPU node. Per node labelled
 * nvidia.com/gpu.present=true: GPUs are allocatable and the GPU Operator's validator pod on that node
 * (which runs nvidia-smi as its driver validation) is ready. When nvidia-smi is reachable under the
 * host root (the pod runs on a GPU node with the host mounted), it is also run here and must list
 * at least one GPU. Fails when the cluster has no GPU node.
 */
import { parseNvidiaSmi } from "../collectors/gpu.ts";
import { execCommand } from "../exec.ts";
import { commandDirs, findCommand } from "../host.ts";
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, listAll, nameOf } from "./api.ts";
import { verdict } from "./findings.ts";
import { podHealth, R } from "./kinds.ts";
import { COMPONENT, enabledRef, namespaceOf } from "./recipe.ts";

export const GPU_NODE_SELECTOR = "nvidia.com/gpu.present=true";
export const OPERATOR_VALIDATOR_SELECTOR = "app=nvidia-operator-validator";
/** Time nvidia-smi may take on this node. */
export const NVIDIA_SMI_TIMEOUT_MS = 30_000;

type Obj = Record<string, any>;

const check: Check = async (ctx) => {
  const client = ctx.client();
  const f = findingsFor(ctx);
  let nodes: Obj[];
  try {
    nodes = await listAll(client, R.nodes, { labelSelector: GPU_NODE_SELECTOR });
  } catch (err) {
    return verdict("failed", `cannot list GPU nodes: ${errorText(err)}`);
  }
  if (nodes.length === 0) return verdict("failed", `no GPU node in the cluster (no node labelled ${GPU_NODE_SELECTOR})`);
  const op = enabledRef(ctx.recipe, COMPONENT.gpuOperator);
  let validators: Obj[] | undefined;
  if (op) {
    try {
      validators = await listAll(client, R.pods, { namespace: namespaceOf(op, "gpu-operator"), labelSelector: OPERATOR_VALIDATOR_SELECTOR });
    } catch (err) {
      f.fail(`cannot list the GPU Operator validator pods: ${errorText(err)}`);
    }
  }
  for (const n of nodes) {
    const name = nameOf(n);
    const gpus = Number.parseInt(String(n["status"]?.["allocatable"]?.["nvidia.com/gpu"] ?? "0"), 10) || 0;
    if (gpus <= 0) {
      f.fail(`node ${name}: no allocatable nvidia.com/gpu`);
      continue;
    }
    if (!validators) {
      f.pass(`node ${name}: ${gpus} GPUs allocatable`);
      continue;
    }
    const pod = validators.find((p) => p["spec"]?.["nodeName"] === name);
    if (!pod) {
      f.fail(`node ${name}: no nvidia-operator-validator pod (the driver was not validated)`);
      continue;
    }
    const h = podHealth(pod);
    if (h.ok) f.pass(`node ${name}: ${gpus} GPUs allocatable, driver validated (${nameOf(pod)} ${h.state})`);
    else f.fail(`node ${name}: driver validation ${nameOf(pod)} ${h.state}`);
  }
  const smi = await findCommand(ctx.hostRoot, "nvidia-smi", commandDirs(ctx.env["PATH"], ["/usr/local/nvidia/bin", "/home/kubernetes/bin/nvidia/bin"]));
  if (smi === undefined) ctx.log(`nvidia-smi is not reachable under ${ctx.hostRoot} on this node: relying on the per-node driver validation`);
  else {
    try {
      const out = await execCommand(smi, ["-q", "-x"], { timeoutMs: NVIDIA_SMI_TIMEOUT_MS, signal: ctx.signal, env: { PATH: ctx.env["PATH"] ?? "/usr/bin:/bin" } });
      if (out.exitCode !== 0) f.fail(`nvidia-smi on this node exited with status ${out.exitCode}: ${out.stderr.trim().split("\n")[0] ?? ""}`);
      else {
        const r = parseNvidiaSmi(out.stdout);
        const count = Number(r["gpu-count"] ?? 0);
        if (count === 0) f.fail("nvidia-smi on this node lists no GPU");
        else f.pass(`nvidia-smi on this node: ${count} GPU${count === 1 ? "" : "s"} (${String(r["gpu.model"] ?? "unknown model")}), driver ${String(r["driver"] ?? "unknown")}`);
      }
    } catch (err) {
      f.fail(`nvidia-smi on this node: ${errorText(err)}`);
    }
  }
  return f.verdict(`the driver works on all ${nodes.length} GPU node${nodes.length === 1 ? "" : "s"}`);
};

export default check;
