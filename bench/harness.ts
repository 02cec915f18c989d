/** Small timing helpers for the benchmarks: repeated runs, medians, side-by-side ratios. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Wall time (ms) of one run of a command, output discarded. */
export function timeCommand(cmd: string[], cwd?: string): number {
  const t0 = Bun.nanoseconds();
  const r = Bun.spawnSync({ cmd, cwd, stdout: "ignore", stderr: "ignore" });
  const ms = (Bun.nanoseconds() - t0) / 1e6;
  if (r.exitCode !== 0) throw new Error(`benchmark command failed (${r.exitCode}): ${cmd.join(" ")}`);
  return ms;
}

/**
 * Run several commands interleaved (a, b, a, b, …) so machine noise hits them alike; returns each
 * command's median wall time in ms.
 */
export function sideBySide(cmds: Record<string, string[]>, runs: number, cwd?: string): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
  for (const cmd of Object.values(cmds)) timeCommand(cmd, cwd); // warm the page cache
  for (let i = 0; i < runs; i++) for (const [k, cmd] of Object.entries(cmds)) times[k]?.push(timeCommand(cmd, cwd));
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** Compile a hello-world Bun program with the same flags as our binaries (the start-up floor). */
export async function buildHelloWorld(dir: string): Promise<string> {
  const src = `${dir}/hello.ts`;
  await Bun.write(src, 'await Bun.write(Bun.stdout, "hello\\n");\n');
  const out = `${dir}/hello`;
  const r = Bun.spawnSync({
    // The flags of package.json's builds that apply to any program (no .env/bunfig.toml autoload).
    cmd: [process.execPath, "build", "--compile", "--minify", "--bytecode", "--format=esm", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", src, "--outfile", out],
    stdout: "ignore",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(`cannot build hello-world: ${r.stderr.toString()}`);
  return out;
}

export const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
