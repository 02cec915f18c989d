/**
 * How long a release may take and whether a deployer waits for it to become ready, for the deployers that
 * state it declaratively (helmfile, Flux). Mirrors deploy.sh: charts are waited for up to 10 minutes;
 * operators whose custom resources reconcile asynchronously are not waited for and get 20 minutes.
 */

export const RELEASE_TIMEOUT_SECONDS = 600;
export const ASYNC_RELEASE_TIMEOUT_SECONDS = 1200;

/** Components installed without waiting (every release of the component). */
export const ASYNC_COMPONENTS: ReadonlySet<string> = new Set(["kai-scheduler"]);

export interface ReleaseTiming {
  wait: boolean;
  timeoutSeconds: number;
}

export function releaseTiming(component: string): ReleaseTiming {
  return ASYNC_COMPONENTS.has(component)
    ? { wait: false, timeoutSeconds: ASYNC_RELEASE_TIMEOUT_SECONDS }
    : { wait: true, timeoutSeconds: RELEASE_TIMEOUT_SECONDS };
}
