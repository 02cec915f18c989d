/**
 * The subset of the helmfile document (`helmfile.yaml`) the helmfile deployer writes, strict: an unknown
 * key, a wrong type, an OCI repository URL with a scheme, a chart naming an undeclared repository, a
 * release needing a release that is not in the file, or a repeated release is a validation error.
 */
import * as v from "valibot";

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const Label = v.pipe(v.string(), v.regex(dnsLabel, "must be a lowercase DNS label"), v.maxLength(63));
const NonEmpty = v.pipe(v.string(), v.minLength(1));
const Seconds = v.pipe(v.number(), v.integer(), v.minValue(1));

export const HelmfileRepositorySchema = v.strictObject({
  name: Label,
  /** HTTP(S) repository URL; for OCI registries `host/path` without the `oci://` scheme. */
  url: NonEmpty,
  oci: v.optional(v.literal(true)),
});

export const HelmfileDefaultsSchema = v.strictObject({
  wait: v.boolean(),
  timeout: Seconds,
  createNamespace: v.boolean(),
});

export const HelmfileReleaseSchema = v.strictObject({
  name: v.pipe(Label, v.maxLength(53)),
  namespace: Label,
  /** `<repository>/<chart>` or a local chart directory `./<folder>`. */
  chart: v.pipe(v.string(), v.regex(/^(\.\/[^/]+|[a-z0-9-]+\/[^/\s]+)$/, "must be <repository>/<chart> or ./<folder>")),
  version: v.optional(NonEmpty),
  values: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^\.\/\S+\.yaml$/, "must be a ./relative .yaml path"))), v.minLength(1))),
  /** `<namespace>/<release>`. */
  needs: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, "must be <namespace>/<release>"))), v.minLength(1))),
  /** Written only to turn the default off. */
  wait: v.optional(v.literal(false)),
  timeout: v.optional(Seconds),
  createNamespace: v.optional(v.literal(false)),
  disableValidation: v.optional(v.literal(true)),
});

export const HelmfileSchema = v.pipe(
  v.strictObject({
    repositories: v.optional(v.pipe(v.array(HelmfileRepositorySchema), v.minLength(1))),
    helmDefaults: HelmfileDefaultsSchema,
    releases: v.pipe(v.array(HelmfileReleaseSchema), v.minLength(1)),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const doc = dataset.value;
    const repos = new Map<string, v.InferOutput<typeof HelmfileRepositorySchema>>();
    const repositories = doc.repositories ?? [];
    for (let i = 0; i < repositories.length; i++) {
      const r = repositories[i] as (typeof repositories)[number];
      if (repos.has(r.name)) addIssue({ message: `repository ${r.name} is declared twice`, path: pathTo(doc, "repositories", i) });
      repos.set(r.name, r);
      const scheme = /^[a-z]+:\/\//.test(r.url);
      if (r.oci && scheme) addIssue({ message: `OCI repository ${r.name}: url must be host/path without a scheme`, path: pathTo(doc, "repositories", i) });
      if (!r.oci && !/^https?:\/\/\S+$/.test(r.url)) addIssue({ message: `repository ${r.name}: url must be http(s)://…`, path: pathTo(doc, "repositories", i) });
    }
    const releases = new Set(doc.releases.map((r) => `${r.namespace}/${r.name}`));
    if (releases.size !== doc.releases.length) addIssue({ message: "a release (namespace/name) is declared twice" });
    for (let i = 0; i < doc.releases.length; i++) {
      const r = doc.releases[i] as (typeof doc.releases)[number];
      const local = r.chart.startsWith("./");
      if (!local && !repos.has(r.chart.split("/")[0] as string)) {
        addIssue({ message: `release ${r.name}: chart ${r.chart} names an undeclared repository`, path: pathTo(doc, "releases", i) });
      }
      if (local && r.version !== undefined) addIssue({ message: `release ${r.name}: a local chart has no version`, path: pathTo(doc, "releases", i) });
      for (const n of r.needs ?? []) {
        if (!releases.has(n)) addIssue({ message: `release ${r.name} needs ${n}, which is not a release of this file`, path: pathTo(doc, "releases", i) });
        if (n === `${r.namespace}/${r.name}`) addIssue({ message: `release ${r.name} needs itself`, path: pathTo(doc, "releases", i) });
      }
    }
  }),
);

export type HelmfileDocument = v.InferOutput<typeof HelmfileSchema>;
export type HelmfileRelease = v.InferOutput<typeof HelmfileReleaseSchema>;
export type HelmfileRepository = v.InferOutput<typeof HelmfileRepositorySchema>;

function pathTo(doc: unknown, key: string, index: number): [v.IssuePathItem, ...v.IssuePathItem[]] {
  const list = (doc as Record<string, unknown[]>)[key] as unknown[];
  return [
    { type: "object", origin: "value", input: doc as Record<string, unknown>, key, value: list },
    { type: "array", origin: "value", input: list, key: index, value: list[index] },
  ];
}

/** Problems of a helmfile document, one line each (`<path>: <message>`); empty when it is valid. */
export function helmfileProblems(doc: unknown): string[] {
  const r = v.safeParse(HelmfileSchema, doc);
  if (r.success) return [];
  return r.issues.map((i) => `${v.getDotPath(i) ?? "(document)"}: ${i.message}`);
}
