/**
 * The GitOps repository an Argo CD bundle is pushed to (`--repo`): every `repoURL` that points at the
 * bundle (the values reference of upstream charts, local charts by path, the parent) is this URL. Without
 * `--repo` an obviously fake URL is written (a real URL, never a template placeholder) and a note says to
 * replace it.
 */
import type { BundleOptions } from "../../options.ts";
import type { BundleSource } from "./application.ts";

/** Written when no `--repo` is given; the README shows how to replace it. */
export const PLACEHOLDER_REPO_URL = "https://github.com/YOUR-ORG/YOUR-REPO.git";
/** Revision of the repository Argo CD deploys. */
export const DEFAULT_TARGET_REVISION = "main";

export function bundleSource(options: BundleOptions): BundleSource {
  return { repoURL: options.repo ?? PLACEHOLDER_REPO_URL, targetRevision: DEFAULT_TARGET_REVISION };
}

export const missingRepoNote = (): string =>
  `Warning: --repo is not set, so the Applications point at ${PLACEHOLDER_REPO_URL}: bundle again with --repo <your Git repository URL> (or replace that URL in every application.yaml and app-of-apps.yaml) before deploying.`;
