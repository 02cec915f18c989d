/**
 * A small stand-in for the agent in the fleet tests (starting the real agent 50 times would make the
 * test slow): writes a fixed Snapshot, with this node's name, to the ConfigMap the DaemonSet's args
 * name (`-o cm://ns/name`), with the pod's in-cluster credentials and the real ConfigMap layout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KubeClient } from "../../agent/kube/client.ts";
import { writeConfigMapDocument } from "../../agent/kube/configmap.ts";
import { inClusterConnection } from "../../agent/kube/in-cluster.ts";

const argv = process.argv.slice(2);
const uri = argv[argv.indexOf("-o") + 1]!;
const node = process.env["NODE_NAME"] ?? "unknown";
const text = readFileSync(join(import.meta.dir, "..", "fixtures", "snapshots", "eks-h100-ubuntu.yaml"), "utf8").replace("metadata:\n", `metadata:\n  source-node: ${node}\n`);
const client = new KubeClient(inClusterConnection({ env: process.env }));
await writeConfigMapDocument(client, uri, { content: text, format: "yaml", kind: "Snapshot", version: "0.11.1", nodeName: node });
console.error(`fake agent: snapshot of ${node} written to ${uri}`);
