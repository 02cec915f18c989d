/**
 * A zip archive writer (PKWARE APPNOTE 6.3): local headers, data, central directory, end record; no
 * data descriptors, no zip64. Entries are stored, or deflated when a raw-DEFLATE function is given and
 * it makes the entry smaller. Names are UTF-8 (flag bit 11), directories end in `/`, Unix permission
 * bits sit in the external attributes, and every entry has one fixed time (default 1980-01-01 00:00,
 * the earliest a zip can say), so the same tree always gives the same bytes.
 */
import { concat } from "./bytes.ts";
import { crc32 } from "./crc32.ts";
import type { ArchiveEntry } from "./entries.ts";
import { invalid } from "../errors.ts";

/** Raw DEFLATE (RFC 1951, no zlib or gzip wrapper). */
export type Deflate = (data: Uint8Array) => Uint8Array;

export interface ZipOptions {
  /** Compress file entries with this; absent: every entry is stored. */
  deflate?: Deflate;
  /** Time of every entry (default 1980-01-01T00:00:00, local fields taken as UTC). */
  mtime?: Date;
}

const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
const FLAG_UTF8 = 0x0800;
const VERSION_NEEDED = 20;
const VERSION_MADE_BY = (3 << 8) | 20; // Unix, spec 2.0
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;

const encoder = new TextEncoder();

/** MS-DOS date and time fields of `d` (UTC), clamped to 1980..2107. */
export function dosDateTime(d: Date): { date: number; time: number } {
  if (d.getUTCFullYear() < 1980) return { date: (1 << 5) | 1, time: 0 };
  const year = Math.min(2107, d.getUTCFullYear());
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

interface Written {
  name: Uint8Array;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  external: number;
}

function localHeader(w: Written, dt: { date: number; time: number }): Uint8Array {
  const b = new Uint8Array(30 + w.name.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, VERSION_NEEDED, true);
  v.setUint16(6, FLAG_UTF8, true);
  v.setUint16(8, w.method, true);
  v.setUint16(10, dt.time, true);
  v.setUint16(12, dt.date, true);
  v.setUint32(14, w.crc, true);
  v.setUint32(18, w.compressed, true);
  v.setUint32(22, w.size, true);
  v.setUint16(26, w.name.length, true);
  v.setUint16(28, 0, true);
  b.set(w.name, 30);
  return b;
}

function centralHeader(w: Written, dt: { date: number; time: number }): Uint8Array {
  const b = new Uint8Array(46 + w.name.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x02014b50, true);
  v.setUint16(4, VERSION_MADE_BY, true);
  v.setUint16(6, VERSION_NEEDED, true);
  v.setUint16(8, FLAG_UTF8, true);
  v.setUint16(10, w.method, true);
  v.setUint16(12, dt.time, true);
  v.setUint16(14, dt.date, true);
  v.setUint32(16, w.crc, true);
  v.setUint32(20, w.compressed, true);
  v.setUint32(24, w.size, true);
  v.setUint16(28, w.name.length, true);
  // extra length, comment length, disk number, internal attributes: all 0
  v.setUint32(38, w.external >>> 0, true);
  v.setUint32(42, w.offset, true);
  b.set(w.name, 46);
  return b;
}

function endRecord(count: number, cdSize: number, cdOffset: number): Uint8Array {
  const b = new Uint8Array(22);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, count, true);
  v.setUint16(10, count, true);
  v.setUint32(12, cdSize, true);
  v.setUint32(16, cdOffset, true);
  return b;
}

/** The archive as a sequence of chunks: per entry its local header and data, then the central directory. */
export function* zipChunks(entries: Iterable<ArchiveEntry>, opts: ZipOptions = {}): Generator<Uint8Array> {
  const dt = dosDateTime(opts.mtime ?? new Date(Date.UTC(1980, 0, 1)));
  const written: Written[] = [];
  let offset = 0;
  for (const e of entries) {
    const isDir = e.type === "dir";
    const name = encoder.encode(isDir ? `${e.path}/` : e.path);
    if (name.length > MAX_16) throw invalid(`zip: entry name too long: ${e.path}`);
    let data = isDir ? new Uint8Array(0) : e.data;
    let method = METHOD_STORE;
    const crc = crc32(data);
    const size = data.length;
    if (!isDir && opts.deflate && size > 0) {
      const packed = opts.deflate(data);
      if (packed.length < size) {
        data = packed;
        method = METHOD_DEFLATE;
      }
    }
    if (offset > MAX_32 || size > MAX_32) throw invalid("zip: archive larger than 4 GiB (zip64 is not supported)");
    const external = (((isDir ? S_IFDIR : S_IFREG) | (e.mode & 0o7777)) << 16) | (isDir ? 0x10 : 0);
    const w: Written = { name, method, crc, compressed: data.length, size, offset, external };
    written.push(w);
    const head = localHeader(w, dt);
    yield head;
    if (data.length > 0) yield data;
    offset += head.length + data.length;
  }
  if (written.length > MAX_16) throw invalid(`zip: more than ${MAX_16} entries (zip64 is not supported)`);
  const cdOffset = offset;
  let cdSize = 0;
  for (const w of written) {
    const c = centralHeader(w, dt);
    cdSize += c.length;
    yield c;
  }
  yield endRecord(written.length, cdSize, cdOffset);
}

/** The whole archive in one buffer. */
export function zipBytes(entries: Iterable<ArchiveEntry>, opts: ZipOptions = {}): Uint8Array {
  return concat([...zipChunks(entries, opts)]);
}
