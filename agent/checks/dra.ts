/** The Dynamic Resource Allocation API (resource.k8s.io) as the conformance checks look for it. */
import type { KubeClient } from "../kube/client.ts";
import type { ResourceRef } from "../kube/paths.ts";
import { servedAny } from "./api.ts";

/** Newest first: v1 (Kubernetes 1.34), v1beta2 (1.33), v1beta1 (1.32). */
export const DRA_VERSIONS: readonly string[] = ["v1", "v1beta2", "v1beta1"];
export const DRA_GROUP = "resource.k8s.io";
/** The NVIDIA DRA driver's name, also the name of its GPU DeviceClass. */
export const NVIDIA_GPU_DRIVER = "gpu.nvidia.com";

export interface DraApi {
  version: string;
  deviceClasses: ResourceRef;
  resourceSlices: ResourceRef;
}

/** The newest served DRA version that has DeviceClasses and ResourceSlices. */
export async function draApi(client: KubeClient): Promise<DraApi | undefined> {
  for (const v of DRA_VERSIONS) {
    const deviceClasses = await servedAny(client, DRA_GROUP, [v], "deviceclasses");
    const resourceSlices = await servedAny(client, DRA_GROUP, [v], "resourceslices");
    if (deviceClasses && resourceSlices) return { version: v, deviceClasses, resourceSlices };
  }
  return undefined;
}
