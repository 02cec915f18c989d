/**
 * What a bundle pulls, for mirroring tools: every upstream chart (repository, name, version) and every
 * container image named in the components' final values or in their rendered manifests. Images that only
 * the charts' own defaults name are not visible here (that needs the charts themselves).
 */
import { byteCompare, stringifyJson } from "../yaml.ts";
import type { BundlePlan } from "./bundle-plan.ts";
import { isMap, type Values } from "./value-path.ts";

export interface ChartReference {
  component: string;
  repository: string;
  name: string;
  version: string;
}

export interface ImageReference {
  image: string;
  component: string;
  /** Where it was found: `values:<dot path>` or `manifest:<catalogue path>`. */
  source: string;
}

export interface ImageList {
  charts: ChartReference[];
  images: ImageReference[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
/** A plausible image reference: no spaces or template braces. */
const plausible = (s: string) => !/[\s{}]/.test(s);
const hasTagOrDigest = (ref: string) => ref.includes("@") || /:[^/]+$/.test(ref);

function withTag(repo: string, tag: string | undefined, digest: string | undefined): string {
  if (digest) return `${repo}@${digest}`;
  return tag && !hasTagOrDigest(repo) ? `${repo}:${tag}` : repo;
}

/** An image described by a map: `{registry?, repository, image|name?, tag|version?, digest?}`. */
function imageFromMap(m: Values, underImageKey: boolean): string | undefined {
  const repository = str(m["repository"]);
  const image = str(m["image"]);
  const name = underImageKey ? str(m["name"]) : undefined;
  if (!repository && !(underImageKey && image)) return undefined;
  if (!underImageKey && !(repository && image)) return undefined;
  const repo = [str(m["registry"]), repository, image ?? name].filter((x): x is string => x !== undefined).join("/");
  const ref = withTag(repo, str(m["tag"]) ?? str(m["version"]), str(m["digest"]));
  return plausible(ref) ? ref : undefined;
}

const isImageKey = (k: string) => k === "image" || k.endsWith("Image");

function imagesInValues(values: unknown, path: string[], found: (ref: string, path: string) => void): void {
  if (Array.isArray(values)) {
    values.forEach((v, i) => imagesInValues(v, [...path, String(i)], found));
    return;
  }
  if (!isMap(values)) return;
  const asComponent = imageFromMap(values, false);
  if (asComponent) found(asComponent, path.join("."));
  for (const [k, v] of Object.entries(values)) {
    if (isImageKey(k)) {
      const s = str(v);
      if (s && plausible(s) && s.length > 0 && !asComponent) found(s, [...path, k].join("."));
      if (isMap(v)) {
        const ref = imageFromMap(v, true);
        if (ref) {
          found(ref, [...path, k].join("."));
          continue;
        }
      }
    }
    imagesInValues(v, [...path, k], found);
  }
}

/** `image:` fields of manifest objects; a sibling `version` completes an untagged image (Skyhook packages). */
function imagesInObject(obj: unknown, found: (ref: string) => void): void {
  if (Array.isArray(obj)) {
    for (const v of obj) imagesInObject(v, found);
    return;
  }
  if (!isMap(obj)) return;
  const image = str(obj["image"]);
  if (image && plausible(image)) found(withTag(image, str(obj["version"]), undefined));
  for (const v of Object.values(obj)) imagesInObject(v, found);
}

/** The `yaml` package, loaded only when images are listed (bundling itself does not need it). */
const yamlLib = (): typeof import("yaml") => require("yaml") as typeof import("yaml");

export function listImages(plan: BundlePlan): ImageList {
  const charts: ChartReference[] = [];
  const images = new Map<string, ImageReference>();
  const add = (r: ImageReference) => images.set(`${r.image}\u0000${r.component}\u0000${r.source}`, r);
  for (const c of plan.components) {
    if (c.chart) charts.push({ component: c.name, repository: c.chart.repository, name: c.chart.name, version: c.chart.version });
    imagesInValues(c.values.all, [], (image, path) => add({ image, component: c.name, source: `values:${path}` }));
    for (const m of c.manifests) {
      const docs = yamlLib().parseAllDocuments(m.content);
      for (const d of Array.isArray(docs) ? docs : []) {
        imagesInObject(d.toJS(), (image) => add({ image, component: c.name, source: `manifest:${m.source}` }));
      }
    }
  }
  const sorted = [...images.values()].sort(
    (a, b) => byteCompare(a.image, b.image) || byteCompare(a.component, b.component) || byteCompare(a.source, b.source),
  );
  return { charts, images: sorted };
}

/** Text form: one `chart <repository> <name> <version>` line per chart, then one `image <ref>` per distinct image. */
export function formatImageList(list: ImageList, format: "text" | "json"): string {
  if (format === "json") return stringifyJson(list);
  const lines = list.charts.map((c) => `chart ${c.repository} ${c.name} ${c.version || "-"}`);
  for (const image of [...new Set(list.images.map((i) => i.image))]) lines.push(`image ${image}`);
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
