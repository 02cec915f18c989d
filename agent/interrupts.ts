/** SIGINT / SIGTERM turned into an abort signal for the work in progress, until `dispose()`. */

export type StopSignal = "SIGINT" | "SIGTERM";

export interface Interrupts {
  /** Aborted when a stop signal arrives. */
  readonly signal: AbortSignal;
  /** The signal that arrived, if any. */
  readonly received: () => StopSignal | undefined;
  /** Stop listening. */
  dispose(): void;
}

export function watchInterrupts(): Interrupts {
  const cancel = new AbortController();
  let received: StopSignal | undefined;
  const on = (sig: StopSignal) => () => {
    received = sig;
    cancel.abort(new Error(`interrupted by ${sig}`));
  };
  const onInt = on("SIGINT");
  const onTerm = on("SIGTERM");
  process.once("SIGINT", onInt);
  process.once("SIGTERM", onTerm);
  return {
    signal: cancel.signal,
    received: () => received,
    dispose() {
      process.removeListener("SIGINT", onInt);
      process.removeListener("SIGTERM", onTerm);
    },
  };
}
