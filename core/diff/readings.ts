/**
 * What the drift tools compare: a snapshot reading as text (upstream compares readings by their `%v`
 * string form), the path of a reading (`Type.subtype.key`), and the area a reading belongs to, so that
 * changes can be grouped the way an operator thinks about a node: driver, kernel, sysctl, modules,
 * units, images, then the rest.
 */
import { byteCompare, formatFloat } from "../yaml.ts";

/** Text of an absent (null) reading, as upstream prints a nil reading. */
export const NIL_READING = "<nil>";

/**
 * A reading as Go's `%v` prints it: strings as they are, integers in decimal, other numbers in the
 * shortest form (`0.5`, `1e+06`), booleans `true`/`false`, null `<nil>`, maps `map[k:v ...]` with
 * sorted keys and lists `[a b]`.
 */
export function readingText(v: unknown): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return formatFloat(v);
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "undefined":
      return NIL_READING;
    default:
      if (v === null) return NIL_READING;
      if (Array.isArray(v)) return `[${v.map(readingText).join(" ")}]`;
      if (v instanceof Date) return v.toISOString();
      return `map[${Object.keys(v as object)
        .sort(byteCompare)
        .map((k) => `${k}:${readingText((v as Record<string, unknown>)[k])}`)
        .join(" ")}]`;
  }
}

/** The path of a reading, as constraints name them. */
export const readingPath = (type: string, subtype: string, key: string): string => `${type}.${subtype}.${key}`;

/**
 * Areas in report order. `driver`: GPU readings and the GPU Operator's driver settings; `kernel`: the
 * kernel command line and kernel version; `sysctl`: other kernel parameters; `modules`: loaded kernel
 * modules; `units`: systemd units; `images`: container images running in the cluster; `os`: the
 * distribution; `kubernetes`: API server, node facts and the rest of the ClusterPolicy; `topology`:
 * node labels and taints; `other`: anything else.
 */
export const areas = ["driver", "kernel", "sysctl", "modules", "units", "images", "os", "kubernetes", "topology", "other"] as const;
export type Area = (typeof areas)[number];

const kernelVersionKeys = new Set(["/proc/sys/kernel/osrelease", "/proc/sys/kernel/version"]);
const osNodeKeys = new Set(["operating-system", "os-image"]);

/** The area of one reading. */
export function areaOf(type: string, subtype: string, key: string): Area {
  switch (type) {
    case "GPU":
      return "driver";
    case "SystemD":
      return "units";
    case "NodeTopology":
      return "topology";
    case "OS":
      if (subtype === "grub") return "kernel";
      if (subtype === "sysctl") return kernelVersionKeys.has(key) ? "kernel" : "sysctl";
      if (subtype === "kmod") return "modules";
      if (subtype === "release") return "os";
      return "other";
    case "K8s":
      if (subtype === "image") return "images";
      if (subtype === "policy") return key === "driver" || key.startsWith("driver.") ? "driver" : "kubernetes";
      if (subtype === "node") {
        if (key === "kernel-version") return "kernel";
        if (osNodeKeys.has(key)) return "os";
      }
      if (subtype === "server" || subtype === "node") return "kubernetes";
      return "other";
    default:
      return "other";
  }
}

export const areaRank = (a: string): number => {
  const i = (areas as readonly string[]).indexOf(a);
  return i < 0 ? areas.length : i;
};
