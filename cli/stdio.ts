/**
 * Standard output and error through Bun's file writers: touching `process.stdout`/`process.stderr`
 * builds Node streams and costs more start-up time than the whole recipe resolution.
 */

export async function writeStdout(text: string): Promise<void> {
  await Bun.write(Bun.stdout, text);
}

let pending: Promise<unknown> = Promise.resolve();

/** Queue a write to stderr; `flushStderr` waits for everything queued. */
export function writeStderr(text: string): void {
  pending = pending.then(() => Bun.write(Bun.stderr, text));
}

export function flushStderr(): Promise<unknown> {
  return pending;
}

/** Whether stderr is a terminal (node:tty is loaded only when this is asked: it is slow to load). */
export const stderrIsTTY = (): boolean => (require("node:tty") as typeof import("node:tty")).isatty(2);
