/**
 * dra-support (conformance): GPUs can be requested through Dynamic Resource Allocation: the DRA API
 * (resource.k8s.io, DeviceClasses and ResourceSlices) is served, the NVIDIA GPU DeviceClass
 * (gpu.nvidia.com) exists, ResourceSlices of driver gpu.nvidia.com publish GPUs, and when the recipe
 * installs nvidia-dra-driver-gpu its kubelet-plugin DaemonSet is ready.
 */
import type { Check } from "./context.ts";
import { findingsFor } from "./context.ts";
import { errorText, listAll, nameOf } from "./api.ts";
import { draApi, NVIDIA_GPU_DRIVER } from "./dra.ts";
import { verdict } from "./findings.ts";
import { verifyKubeletPlugin } from "./gpu-readiness.ts";
import { COMPONENT, enabledRef, namespaceOf } from "./recipe.ts";

type Obj = Record<string, any>;

const check: Check = async (ctx) => {
  const client = ctx.client();
  const api = await draApi(client);
  if (!api) return verdict("failed", "the DRA API (resource.k8s.io DeviceClasses and ResourceSlices) is not served: enable DynamicResourceAllocation (Kubernetes 1.32+)");
  const f = findingsFor(ctx);
  f.pass(`DRA API served: resource.k8s.io/${api.version}`);
  try {
    const classes: Obj[] = await listAll(client, api.deviceClasses);
    if (classes.some((c) => nameOf(c) === NVIDIA_GPU_DRIVER)) f.pass(`DeviceClass ${NVIDIA_GPU_DRIVER} exists`);
    else f.fail(`no DeviceClass ${NVIDIA_GPU_DRIVER} (found: ${classes.map(nameOf).join(", ") || "none"}): the NVIDIA DRA driver is not installed`);
  } catch (err) {
    f.fail(`cannot list DeviceClasses: ${errorText(err)}`);
  }
  try {
    const slices: Obj[] = (await listAll(client, api.resourceSlices)).filter((s: Obj) => s["spec"]?.["driver"] === NVIDIA_GPU_DRIVER);
    const devices = slices.reduce((n, s) => n + ((s["spec"]?.["devices"] ?? []) as unknown[]).length, 0);
    const nodes = new Set(slices.map((s) => s["spec"]?.["nodeName"]).filter(Boolean));
    if (devices > 0) f.pass(`${devices} GPU device${devices === 1 ? "" : "s"} published in ResourceSlices by driver ${NVIDIA_GPU_DRIVER} on ${nodes.size} node${nodes.size === 1 ? "" : "s"}`);
    else f.fail(`no ResourceSlice of driver ${NVIDIA_GPU_DRIVER} publishes a GPU`);
  } catch (err) {
    f.fail(`cannot list ResourceSlices: ${errorText(err)}`);
  }
  const dra = enabledRef(ctx.recipe, COMPONENT.draDriver);
  if (dra) await verifyKubeletPlugin(client, namespaceOf(dra, "nvidia-dra-driver"), f);
  return f.verdict("GPUs can be allocated through DRA");
};

export default check;
