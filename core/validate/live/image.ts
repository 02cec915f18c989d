/**
 * The image a validator Job runs (§1.10): catalogue images tagged `:latest` get the CLI's version as
 * tag in release builds, and `AICR_VALIDATOR_IMAGE_REGISTRY` moves every image to another registry
 * (`ghcr.io/nvidia/aicr:v0.11.1` → `<registry>/aicr:v0.11.1`). Pull policy follows the tag.
 */

/** Environment variable naming a registry that replaces the catalogue images' registry. */
export const VALIDATOR_IMAGE_REGISTRY_ENV = "AICR_VALIDATOR_IMAGE_REGISTRY";

const LATEST = ":latest";

/** A release build: a version that is not empty, not `dev` and not a `-next` snapshot. */
export function isReleaseVersion(version: string | undefined): boolean {
  const v = (version ?? "").trim();
  return v !== "" && v !== "dev" && !v.includes("-next");
}

/** `:latest` → `:v<version>` for release builds; anything else unchanged. */
export function pinImageTag(image: string, version: string | undefined): string {
  if (!isReleaseVersion(version) || !image.endsWith(LATEST)) return image;
  const v = (version as string).trim();
  return `${image.slice(0, -LATEST.length)}:${v.startsWith("v") ? v : `v${v}`}`;
}

/**
 * The image under another registry: split on `/` into at most three parts; three parts give
 * `<registry>/<third>`, two give `<registry>/<second>`, a bare name stays as it is.
 */
export function overrideRegistry(image: string, registry: string | undefined): string {
  const r = (registry ?? "").trim().replace(/\/+$/, "");
  if (r === "") return image;
  const first = image.indexOf("/");
  if (first < 0) return image;
  const second = image.indexOf("/", first + 1);
  return `${r}/${image.slice((second < 0 ? first : second) + 1)}`;
}

/** The image a catalogue entry runs with: tag pinned, then registry replaced. */
export function validatorImage(image: string, version: string | undefined, registry?: string): string {
  return overrideRegistry(pinImageTag(image, version), registry);
}

/** `Always` for `:latest` images (they move), `IfNotPresent` for pinned ones. */
export const pullPolicyFor = (image: string): "Always" | "IfNotPresent" => (image.endsWith(LATEST) ? "Always" : "IfNotPresent");
