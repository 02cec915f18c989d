/**
 * Helpers for engine tests: small in-memory catalogues written in upstream v0.11.1's on-disk format,
 * turned into stores exactly as `--data` files would be.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { AicrError } from "../../core/errors.ts";
import { embeddedEntries } from "../../core/catalogue/embedded.ts";
import { decodeEntries } from "../../core/catalogue/entry.ts";
import { buildStore, type Store } from "../../core/catalogue/store.ts";
import { anyCriteria, applyCriteria, type CriteriaInput, type Criteria } from "../../core/recipe/criteria.ts";
import { resolveRecipe, type Resolution } from "../../core/recipe/resolve.ts";

export type Files = Record<string, string>;

/** Strip the common leading indentation so fixtures can be written inline. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ""), "");
  const lines = raw.replace(/^\n/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join("\n").replace(/\s*$/, "\n");
}

export const asList = (files: Files) => Object.entries(files).map(([path, text]) => ({ path, text }));

/** A standalone catalogue: only these files, nothing embedded. */
export function storeOf(files: Files): Store {
  return buildStore([], decodeEntries(asList(files), "external"));
}

/** These files layered over the embedded catalogue, as `--data DIR` layers them. */
export function layeredStore(files: Files): Store {
  return buildStore(embeddedEntries(), decodeEntries(asList(files), "external"));
}

export function criteria(input: CriteriaInput): Criteria {
  return applyCriteria(anyCriteria(), input);
}

export function resolve(store: Store, input: CriteriaInput): Resolution {
  return resolveRecipe(store, criteria(input));
}

/** Run `fn`, expecting a structured error; returns it. */
export function caught(fn: () => unknown): AicrError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AicrError) return err;
    throw err;
  }
  throw new Error("expected an AicrError, but nothing was thrown");
}

/** A recipe overlay in upstream format. */
export function overlay(name: string, body: string): string {
  const indented = body
    .replace(/^\n/, "")
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
  return `kind: RecipeMetadata\napiVersion: aicr.nvidia.com/v1alpha1\nmetadata:\n  name: ${name}\nspec:\n${indented}\n`;
}

/** Every file under `dir`, by `/`-separated relative path (sorted walk). */
export function readTree(dir: string): Files {
  const out: Files = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out[r] = readFileSync(join(dir, r), "utf8");
    }
  };
  walk("");
  return out;
}

export const FIXTURES = join(import.meta.dir, "..", "fixtures", "data");

/** A minimal standalone catalogue used by most engine tests. */
export const miniRegistry = yaml`
  apiVersion: aicr.nvidia.com/v1alpha1
  kind: ComponentRegistry
  components:
    - name: alpha
      displayName: alpha
      helm:
        defaultRepository: https://charts.example.com/alpha
        defaultChart: example/alpha-chart
        defaultVersion: v1.0.0
        defaultNamespace: alpha-system
    - name: beta
      displayName: beta
      kustomize:
        defaultSource: https://git.example.com/beta
        defaultPath: deploy/production
        defaultTag: v2.0.0
    - name: gamma
      displayName: gamma
      helm:
        defaultRepository: https://charts.example.com/gamma
        defaultChart: gamma
        defaultVersion: 3.0.0
        defaultNamespace: gamma-system
`;

export const miniBase = yaml`
  kind: RecipeMetadata
  apiVersion: aicr.nvidia.com/v1alpha1
  metadata:
    name: base
  spec:
    constraints:
      - name: K8s.server.version
        value: ">= 1.25"
    componentRefs:
      - name: alpha
        type: Helm
        valuesFile: components/alpha/values.yaml
      - name: gamma
        type: Helm
        dependencyRefs:
          - alpha
`;

export const miniValues = yaml`
  driver:
    enabled: true
    repository: nvcr.io/nvidia
    version: "570.1"
  toolkit:
    enabled: true
`;

/** registry + base + alpha's values.yaml, plus whatever the test adds. */
export function mini(extra: Files = {}): Files {
  return {
    "registry.yaml": miniRegistry,
    "overlays/base.yaml": miniBase,
    "components/alpha/values.yaml": miniValues,
    ...extra,
  };
}
