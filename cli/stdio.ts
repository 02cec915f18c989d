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

/**
 * Whether stderr is a terminal. Asked through the runtime's tty binding: loading node:tty for this
 * would also load Node's stream machinery, several milliseconds on every error line.
 */
export function stderrIsTTY(): boolean {
  try {
    const binding = (process as unknown as { binding(name: string): { isTTY(fd: number): boolean } }).binding("tty_wrap");
    return binding.isTTY(2);
  } catch {
    return (require("node:tty") as typeof import("node:tty")).isatty(2);
  }
}
