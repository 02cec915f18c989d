/**
 * The conformance checks at API level, in-process against the API stand-in: each passes on a
 * cluster that has what it looks for and fails (or skips, when the recipe has nothing to check)
 * otherwise. Metrics endpoints are served through the stand-in's service-proxy path, as the API
 * server proxies them to the exporter and Prometheus.
 */
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { KubeStandin } from "../support/kube-standin.ts";
import {
  addTypes,
  checkTypes,
  ClusterPolicies,
  ConfigMaps,
  DaemonSets,
  daemonSet,
  deployment,
  Deployments,
  node,
  Nodes,
  pod,
  Pods,
  recipe,
  ref,
  removeSharedCerts,
  runCheck,
  Services,
  startStandin,
} from "./helpers.ts";

let api: KubeStandin;
beforeEach(() => {
  api = startStandin();
});
afterEach(() => api.stop());
afterAll(() => removeSharedCerts());

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const serve = (path: string, respond: () => Response) => api.addHandler((_req, url) => (url.pathname === path ? respond() : undefined));

const inference = recipe([
  { name: "gpu-operator", namespace: "gpu-operator" },
  { name: "nvidia-dra-driver-gpu", namespace: "nvidia-dra-driver" },
  { name: "kube-prometheus-stack", namespace: "monitoring" },
  { name: "kgateway", namespace: "kgateway-system" },
  { name: "dynamo-platform", namespace: "dynamo-system" },
  { name: "kai-scheduler", namespace: "kai-scheduler" },
]);

function draCluster(): void {
  addTypes(api, checkTypes.deviceClasses, checkTypes.resourceSlices);
  api.put(ref(checkTypes.deviceClasses), { metadata: { name: "gpu.nvidia.com" }, spec: {} });
  api.put(ref(checkTypes.resourceSlices), { metadata: { name: "gpu-1-gpu.nvidia.com-x" }, spec: { driver: "gpu.nvidia.com", nodeName: "gpu-1", devices: [{ name: "gpu-0" }, { name: "gpu-1" }] } });
  api.put(DaemonSets, daemonSet("nvidia-dra-driver", "nvidia-dra-driver-gpu-kubelet-plugin", 1, 1));
}

describe("dra-support", () => {
  test("DRA API served, the GPU DeviceClass, GPUs in ResourceSlices and a ready kubelet plugin pass", async () => {
    draCluster();
    const r = await runCheck(api, "dra-support", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ok    DRA API served: resource.k8s.io/v1");
    expect(r.out).toContain("ok    2 GPU devices published in ResourceSlices by driver gpu.nvidia.com on 1 node");
  });

  test("no DRA API fails; no DeviceClass or slices of the NVIDIA driver fail", async () => {
    let r = await runCheck(api, "dra-support", inference);
    expect(r.code).toBe(1);
    expect(r.result?.message).toStartWith("the DRA API (resource.k8s.io DeviceClasses and ResourceSlices) is not served");
    addTypes(api, checkTypes.deviceClasses, checkTypes.resourceSlices);
    api.put(DaemonSets, daemonSet("nvidia-dra-driver", "nvidia-dra-driver-gpu-kubelet-plugin", 1, 1));
    r = await runCheck(api, "dra-support", inference);
    expect(r.result?.details).toEqual([
      "no DeviceClass gpu.nvidia.com (found: none): the NVIDIA DRA driver is not installed",
      "no ResourceSlice of driver gpu.nvidia.com publishes a GPU",
    ]);
  });
});

describe("gang-scheduling", () => {
  test("KAI PodGroups served, its Deployments available and a Queue: passes", async () => {
    addTypes(api, checkTypes.kaiPodGroups, checkTypes.kaiQueues);
    api.put(Deployments, deployment("kai-scheduler", "kai-scheduler-default", 1, 1));
    api.put(ref(checkTypes.kaiQueues), { metadata: { name: "default-queue" }, spec: {} });
    const r = await runCheck(api, "gang-scheduling", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.result?.message).toBe("gang scheduling available (KAI scheduler)");
  });

  test("no PodGroup API fails; KAI without a Queue fails", async () => {
    let r = await runCheck(api, "gang-scheduling", inference);
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("no gang scheduler: no PodGroup API is served (scheduling.run.ai, scheduling.volcano.sh, scheduling.x-k8s.io)");
    addTypes(api, checkTypes.kaiPodGroups, checkTypes.kaiQueues);
    api.put(Deployments, deployment("kai-scheduler", "kai-scheduler-default", 1, 1));
    r = await runCheck(api, "gang-scheduling", inference);
    expect(r.result?.message).toBe("KAI scheduler: no Queue exists, so no pod group can be scheduled");
  });
});

const DCGM_TEXT = `# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
# TYPE DCGM_FI_DEV_GPU_UTIL gauge
DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-8a1",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-1"} 37
DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-8a2",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-1"} 0
# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
# TYPE DCGM_FI_DEV_FB_USED gauge
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-8a1",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-1"} 1024
`;

function dcgmExporter(text = DCGM_TEXT): void {
  api.put(DaemonSets, daemonSet("gpu-operator", "nvidia-dcgm-exporter", 1, 1, { app: "nvidia-dcgm-exporter" }));
  api.put(Services, { metadata: { name: "nvidia-dcgm-exporter", namespace: "gpu-operator", labels: { app: "nvidia-dcgm-exporter" } }, spec: { ports: [{ name: "gpu-metrics", port: 9400 }] } });
  serve("/api/v1/namespaces/gpu-operator/services/nvidia-dcgm-exporter:gpu-metrics/proxy/metrics", () => new Response(text, { headers: { "content-type": "text/plain" } }));
}

describe("accelerator-metrics", () => {
  test("the DCGM exporter serves per-GPU metrics through the service proxy", async () => {
    dcgmExporter();
    const r = await runCheck(api, "accelerator-metrics", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ok    Service gpu-operator/nvidia-dcgm-exporter: 2 DCGM metric families for 2 GPUs");
  });

  test("no exporter, or an exporter without GPU utilization, fails", async () => {
    let r = await runCheck(api, "accelerator-metrics", inference);
    expect(r.code).toBe(1);
    expect(r.result?.details).toEqual(["no DCGM exporter DaemonSet (label app=nvidia-dcgm-exporter)", "no DCGM exporter Service (label app=nvidia-dcgm-exporter)"]);
    dcgmExporter("# no samples yet\n");
    r = await runCheck(api, "accelerator-metrics", inference);
    expect(r.result?.message).toBe("Service gpu-operator/nvidia-dcgm-exporter serves no DCGM_FI_* metric");
  });
});

describe("ai-service-metrics", () => {
  function prometheus(result: unknown[]): void {
    api.put(Services, { metadata: { name: "kube-prometheus-stack-prometheus", namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } }, spec: { ports: [{ name: "http-web", port: 9090 }] } });
    serve("/api/v1/namespaces/monitoring/services/kube-prometheus-stack-prometheus:http-web/proxy/api/v1/query", () => json({ status: "success", data: { resultType: "vector", result } }));
  }

  test("Prometheus answers a query for GPU utilization with series", async () => {
    prometheus([{ metric: { __name__: "DCGM_FI_DEV_GPU_UTIL", gpu: "0" }, value: [1774087200, "37"] }]);
    const r = await runCheck(api, "ai-service-metrics", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.result?.message).toBe("Prometheus collects GPU metrics (1 series)");
  });

  test("no series fails (the exporter is not scraped); no Prometheus fails", async () => {
    let r = await runCheck(api, "ai-service-metrics", inference);
    expect(r.result?.message).toBe("no Prometheus Service found (label app.kubernetes.io/name=prometheus or prometheus-operated)");
    prometheus([]);
    r = await runCheck(api, "ai-service-metrics", inference);
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("Prometheus monitoring/kube-prometheus-stack-prometheus has no DCGM_FI_DEV_GPU_UTIL series: the DCGM exporter is not scraped");
  });
});

describe("inference-gateway", () => {
  function gateway(programmed: boolean): void {
    addTypes(api, checkTypes.gatewayClasses, checkTypes.gateways, checkTypes.inferencePools);
    api.put(ref(checkTypes.gatewayClasses), { metadata: { name: "kgateway" }, spec: { controllerName: "kgateway.dev/kgateway" }, status: { conditions: [{ type: "Accepted", status: "True" }] } });
    api.put(ref(checkTypes.gateways), {
      metadata: { name: "inference-gateway", namespace: "kgateway-system" },
      spec: { gatewayClassName: "kgateway" },
      status: { conditions: [{ type: "Programmed", status: programmed ? "True" : "False" }] },
    });
  }

  test("Gateway API, an accepted kgateway class, a programmed Gateway and InferencePools pass", async () => {
    gateway(true);
    const r = await runCheck(api, "inference-gateway", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ok    Gateway kgateway-system/inference-gateway Programmed");
    expect(r.out).toContain("ok    InferencePool API served (inference.networking.k8s.io/v1)");
  });

  test("a Gateway not programmed fails; a recipe without a gateway skips", async () => {
    gateway(false);
    let r = await runCheck(api, "inference-gateway", inference);
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("Gateway kgateway-system/inference-gateway not Programmed");
    r = await runCheck(api, "inference-gateway", recipe([{ name: "gpu-operator", namespace: "gpu-operator" }]));
    expect(r.code).toBe(2);
    expect(r.result?.message).toBe("the recipe has no inference gateway (kgateway) component");
  });
});

describe("pod-autoscaling", () => {
  function metricsApi(available: boolean, metrics: string[]): void {
    addTypes(api, checkTypes.hpas, checkTypes.apiServices);
    api.put(ref(checkTypes.apiServices), { metadata: { name: "v1beta1.custom.metrics.k8s.io" }, spec: {}, status: { conditions: [{ type: "Available", status: available ? "True" : "False" }] } });
    serve("/apis/custom.metrics.k8s.io/v1beta1", () =>
      json({ kind: "APIResourceList", groupVersion: "custom.metrics.k8s.io/v1beta1", resources: metrics.map((name) => ({ name, namespaced: true, kind: "MetricValueList", verbs: ["get"] })) }),
    );
  }

  test("an Available custom metrics API with GPU metrics passes", async () => {
    metricsApi(true, ["pods/DCGM_FI_DEV_GPU_UTIL", "namespaces/DCGM_FI_DEV_GPU_UTIL", "pods/http_requests"]);
    const r = await runCheck(api, "pod-autoscaling", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ok    v1beta1.custom.metrics.k8s.io: 2 GPU metrics (pods/DCGM_FI_DEV_GPU_UTIL, namespaces/DCGM_FI_DEV_GPU_UTIL)");
    expect(r.out).toContain("skip  APIService v1beta1.external.metrics.k8s.io not registered");
  });

  test("no GPU metric, or an unavailable metrics API, fails", async () => {
    metricsApi(true, ["pods/http_requests"]);
    let r = await runCheck(api, "pod-autoscaling", inference);
    expect(r.code).toBe(1);
    expect(r.result?.message).toStartWith("no metrics API serves a GPU metric");
    metricsApi(false, []);
    r = await runCheck(api, "pod-autoscaling", inference);
    expect(r.result?.message).toBe("APIService v1beta1.custom.metrics.k8s.io registered but not Available");
  });
});

describe("cluster-autoscaling", () => {
  test("a Karpenter NodePool that launches GPU instances passes", async () => {
    addTypes(api, checkTypes.nodePools);
    api.put(ref(checkTypes.nodePools), {
      metadata: { name: "gpu" },
      spec: { template: { spec: { requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["p5"] }] } } },
    });
    const r = await runCheck(api, "cluster-autoscaling", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ok    Karpenter NodePool gpu can add GPU nodes");
  });

  test("the Cluster Autoscaler's status ConfigMap passes when healthy and fails when not; nothing at all fails", async () => {
    let r = await runCheck(api, "cluster-autoscaling", inference);
    expect(r.code).toBe(1);
    expect(r.result?.message).toStartWith("no cluster autoscaler");
    api.put(ConfigMaps, { metadata: { name: "cluster-autoscaler-status", namespace: "kube-system" }, data: { status: "Cluster-autoscaler status at 2026-03-21\nCluster-wide:\n  Health: Healthy (ready=4)\n" } });
    r = await runCheck(api, "cluster-autoscaling", inference);
    expect(r.code).toBe(0);
    api.put(ConfigMaps, { metadata: { name: "cluster-autoscaler-status", namespace: "kube-system" }, data: { status: "Cluster-wide:\n  Health: Unhealthy (ready=1 unready=3)\n" } });
    r = await runCheck(api, "cluster-autoscaling", inference);
    expect(r.code).toBe(1);
  });
});

describe("robust-controller", () => {
  function operator(endpointReady: boolean): void {
    addTypes(api, checkTypes.validatingWebhooks, checkTypes.mutatingWebhooks, checkTypes.endpointSlices);
    api.put(Deployments, deployment("dynamo-system", "dynamo-platform-dynamo-operator-controller-manager", 1, 1));
    api.put(Services, { metadata: { name: "dynamo-webhook", namespace: "dynamo-system" }, spec: { ports: [{ port: 443 }] } });
    api.put(ref(checkTypes.endpointSlices), {
      metadata: { name: "dynamo-webhook-abcde", namespace: "dynamo-system", labels: { "kubernetes.io/service-name": "dynamo-webhook" } },
      endpoints: [{ addresses: ["10.1.0.9"], conditions: { ready: endpointReady } }],
    });
    api.put(ref(checkTypes.validatingWebhooks), {
      metadata: { name: "dynamo-validating" },
      webhooks: [{ name: "vdynamographdeployment.nvidia.com", failurePolicy: "Fail", clientConfig: { service: { name: "dynamo-webhook", namespace: "dynamo-system" } } }],
    });
    api.put(ref(checkTypes.validatingWebhooks), {
      metadata: { name: "unrelated" },
      webhooks: [{ name: "other.example.com", clientConfig: { service: { name: "gone", namespace: "elsewhere" } } }],
    });
  }

  test("the operator's controllers available and its webhooks backed by ready endpoints pass", async () => {
    operator(true);
    const r = await runCheck(api, "robust-controller", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ok    validating webhook vdynamographdeployment.nvidia.com (dynamo-validating) → service dynamo-system/dynamo-webhook: ready");
    expect(r.out).not.toContain("other.example.com");
  });

  test("a webhook without ready endpoints fails; a recipe without an AI operator skips", async () => {
    operator(false);
    let r = await runCheck(api, "robust-controller", inference);
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("validating webhook vdynamographdeployment.nvidia.com (dynamo-validating) → service dynamo-system/dynamo-webhook: no ready endpoints (failurePolicy Fail)");
    r = await runCheck(api, "robust-controller", recipe([{ name: "gpu-operator", namespace: "gpu-operator" }]));
    expect(r.code).toBe(2);
  });
});

describe("secure-accelerator-access", () => {
  test("workloads without host GPU devices pass; the GPU Operator's own pods may mount them", async () => {
    draCluster();
    api.put(Pods, pod("gpu-operator", "nvidia-driver-daemonset-x", { spec: { volumes: [{ name: "dev", hostPath: { path: "/dev/nvidia0" } }] } }));
    api.put(Pods, pod("team-a", "trainer-0"));
    const r = await runCheck(api, "secure-accelerator-access", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ok    1 workload pod checked, none reaches GPUs around the allocator");
  });

  test("a workload mounting /dev/nvidia* or privileged with every GPU fails; no DRA fails", async () => {
    let r = await runCheck(api, "secure-accelerator-access", inference);
    expect(r.result?.message).toStartWith("the DRA API (resource.k8s.io) is not served");
    draCluster();
    api.put(Pods, pod("team-a", "sneaky", { spec: { volumes: [{ name: "dev", hostPath: { path: "/dev/nvidiactl" } }] } }));
    api.put(Pods, pod("team-b", "greedy", { spec: { containers: [{ name: "main", securityContext: { privileged: true }, env: [{ name: "NVIDIA_VISIBLE_DEVICES", value: "all" }] }] } }));
    r = await runCheck(api, "secure-accelerator-access", inference);
    expect(r.code).toBe(1);
    expect(r.result?.details).toEqual(["pod team-a/sneaky mounts host device /dev/nvidiactl", "pod team-b/greedy container main is privileged with NVIDIA_VISIBLE_DEVICES=all"]);
  });
});

describe("gpu-operator-health and platform-health (diagnostics)", () => {
  test("gpu-operator-health: ClusterPolicy ready and operand DaemonSets ready pass; an operand not ready fails", async () => {
    api.put(ClusterPolicies, { metadata: { name: "cluster-policy" }, status: { state: "ready" } });
    api.put(DaemonSets, daemonSet("gpu-operator", "nvidia-device-plugin-daemonset", 2, 2));
    let r = await runCheck(api, "gpu-operator-health", inference);
    expect(r.code, r.out).toBe(0);
    api.put(DaemonSets, daemonSet("gpu-operator", "nvidia-driver-daemonset", 2, 1));
    r = await runCheck(api, "gpu-operator-health", inference);
    expect(r.code).toBe(1);
    expect(r.result?.message).toBe("DaemonSet gpu-operator/nvidia-driver-daemonset: 1/2 ready");
  });

  test("platform-health: Ready nodes and healthy component pods pass; NotReady nodes and crash-looping pods fail", async () => {
    api.put(Nodes, node("cpu-1"));
    api.put(Nodes, node("gpu-1", { gpus: 8 }));
    api.put(Pods, pod("monitoring", "prometheus-0"));
    let r = await runCheck(api, "platform-health", inference);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("ok    2 nodes Ready");
    api.put(Nodes, node("gpu-2", { gpus: 8, ready: false }));
    api.put(Pods, pod("monitoring", "prometheus-adapter-1", { ready: false, waiting: "CrashLoopBackOff" }));
    r = await runCheck(api, "platform-health", inference);
    expect(r.code).toBe(1);
    expect(r.result?.details).toEqual(["node gpu-2 is not Ready", "pod monitoring/prometheus-adapter-1: CrashLoopBackOff"]);
  });
});
