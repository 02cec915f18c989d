/**
 * A POSIX ustar archive writer. Entries come out in the order given (see entries.ts), owned by uid/gid
 * 0 with one fixed modification time, so the same tree always gives the same bytes. A path too long
 * for the ustar name and prefix fields gets a PAX extended header. The archive ends with two zero
 * blocks and is padded to whole 512-byte blocks (no 10 KiB record padding).
 */
import { concat } from "./bytes.ts";
import type { ArchiveEntry } from "./entries.ts";

export const TAR_BLOCK = 512;
/** Default modification time of every entry (seconds since the epoch). */
export const TAR_DEFAULT_MTIME = 0;

const encoder = new TextEncoder();

export interface TarOptions {
  /** Modification time of every entry, seconds since the epoch (default 0). */
  mtime?: number;
}

function octal(value: number, width: number): string {
  // width includes the terminating NUL.
  return value.toString(8).padStart(width - 1, "0");
}

function putString(block: Uint8Array, offset: number, width: number, text: string | Uint8Array): void {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  block.set(bytes.subarray(0, width), offset);
}

/** Split a path into ustar prefix and name (name <= 100 bytes, prefix <= 155), or undefined. */
function splitPath(path: Uint8Array): { prefix: Uint8Array; name: Uint8Array } | undefined {
  if (path.length <= 100) return { prefix: new Uint8Array(0), name: path };
  for (let i = Math.min(path.length - 1, 155); i > 0; i--) {
    if (path[i] === 0x2f && path.length - i - 1 <= 100 && path.length - i - 1 > 0) {
      return { prefix: path.subarray(0, i), name: path.subarray(i + 1) };
    }
  }
  return undefined;
}

function header(name: Uint8Array, prefix: Uint8Array, size: number, mode: number, type: string, mtime: number): Uint8Array {
  const h = new Uint8Array(TAR_BLOCK);
  putString(h, 0, 100, name);
  putString(h, 100, 8, `${octal(mode, 8)}\0`);
  putString(h, 108, 8, `${octal(0, 8)}\0`);
  putString(h, 116, 8, `${octal(0, 8)}\0`);
  putString(h, 124, 12, `${octal(size, 12)}\0`);
  putString(h, 136, 12, `${octal(mtime, 12)}\0`);
  putString(h, 148, 8, "        ");
  putString(h, 156, 1, type);
  putString(h, 257, 6, "ustar\0");
  putString(h, 263, 2, "00");
  putString(h, 329, 8, `${octal(0, 8)}\0`);
  putString(h, 337, 8, `${octal(0, 8)}\0`);
  putString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, `${octal(sum, 7)}\0 `);
  return h;
}

const padding = (size: number) => new Uint8Array((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK);

/** A PAX record `"<len> key=value\n"`, where len counts the whole record. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = encoder.encode(body).length;
  let digits = String(len).length;
  while (String(len + digits).length !== digits) digits++;
  len += digits;
  return `${len}${body}`;
}

/** The archive as a sequence of chunks (header, content, padding per entry; then the end blocks). */
export function* tarChunks(entries: Iterable<ArchiveEntry>, opts: TarOptions = {}): Generator<Uint8Array> {
  const mtime = Math.max(0, Math.floor(opts.mtime ?? TAR_DEFAULT_MTIME));
  for (const e of entries) {
    const fullPath = e.type === "dir" ? `${e.path}/` : e.path;
    const pathBytes = encoder.encode(fullPath);
    let split = splitPath(pathBytes);
    if (!split) {
      const pax = encoder.encode(paxRecord("path", fullPath));
      const short = encoder.encode(`PaxHeaders/${e.path.split("/").at(-1) ?? "entry"}`).subarray(0, 100);
      yield header(short, new Uint8Array(0), pax.length, 0o644, "x", mtime);
      yield pax;
      yield padding(pax.length);
      split = { prefix: new Uint8Array(0), name: pathBytes.subarray(0, 100) };
    }
    const size = e.type === "dir" ? 0 : e.data.length;
    yield header(split.name, split.prefix, size, e.mode, e.type === "dir" ? "5" : "0", mtime);
    if (size > 0) {
      yield e.data;
      yield padding(size);
    }
  }
  yield new Uint8Array(TAR_BLOCK * 2);
}

/** The whole archive in one buffer. */
export function tarBytes(entries: Iterable<ArchiveEntry>, opts: TarOptions = {}): Uint8Array {
  return concat([...tarChunks(entries, opts)]);
}
