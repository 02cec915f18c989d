/**
 * core/archive: entries in depth-first order with their directories, ustar and zip writers checked
 * with the system's `tar` and `unzip` and by reading the bytes back, and CRC-32.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "../../core/archive/crc32.ts";
import { archiveEntries, contentBytes, type ArchiveFile } from "../../core/archive/entries.ts";
import { tarBytes, TAR_BLOCK } from "../../core/archive/tar.ts";
import { dosDateTime, zipBytes } from "../../core/archive/zip.ts";
import { removeDir, tempDir } from "../cli/helpers.ts";

const root = tempDir("aicr-archive-");
afterAll(() => removeDir(root));
let n = 0;

const longDir = `deep/${"d".repeat(120)}`;
const files: ArchiveFile[] = [
  { path: "b/run.sh", content: "#!/bin/sh\necho hi\n", mode: 0o755 },
  { path: "a-b.txt", content: "x".repeat(3000), mode: 0o644 },
  { path: "a/ünïcode.yaml", content: "name: grüße\n", mode: 0o644 },
  { path: "a/empty", content: "", mode: 0o644 },
  { path: `${longDir}/${"f".repeat(90)}.yaml`, content: "split: prefix and name\n", mode: 0o644 },
  { path: `${"p".repeat(160)}.txt`, content: "pax path\n", mode: 0o600 },
  { path: "bin", content: new Uint8Array([0, 1, 2, 255]), mode: 0o644 },
];

function run(cmd: string[], stdin?: Uint8Array): string {
  const p = Bun.spawnSync(cmd, stdin ? { stdin } : {});
  if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${p.stderr.toString()}`);
  return p.stdout.toString();
}

function extracted(kind: "tar" | "zip", bytes: Uint8Array): string {
  const dir = join(root, `${kind}-${n++}`);
  mkdirSync(dir);
  writeFileSync(`${dir}.${kind}`, bytes);
  run(kind === "tar" ? ["tar", "-xf", `${dir}.${kind}`, "-C", dir] : ["unzip", "-q", `${dir}.${kind}`, "-d", dir]);
  return dir;
}

function expectExtracted(dir: string): void {
  for (const f of files) {
    const want = typeof f.content === "string" ? new TextEncoder().encode(f.content) : f.content;
    expect([...readFileSync(join(dir, f.path))], f.path).toEqual([...want]);
    expect(statSync(join(dir, f.path)).mode & 0o777, f.path).toBe(f.mode);
  }
}

describe("entries", () => {
  test("depth-first, each directory before its contents, names in byte order within a directory", () => {
    const e = archiveEntries([
      { path: "a-b", content: "", mode: 0o644 },
      { path: "a/x", content: "", mode: 0o644 },
      { path: "a0", content: "", mode: 0o644 },
      { path: "Z", content: "", mode: 0o644 },
      { path: "a/b/c", content: "", mode: 0o644 },
    ]);
    // "a" sorts before "a-b" as a name, although "a-b" < "a/x" as whole paths.
    expect(e.map((x) => `${x.type} ${x.path}`)).toEqual(["file Z", "dir a", "dir a/b", "file a/b/c", "file a/x", "file a-b", "file a0"]);
  });

  test("unsafe or clashing paths are refused", () => {
    for (const path of ["", "/abs", "a/../b", "./a", "a//b"]) expect(() => archiveEntries([{ path, content: "", mode: 0o644 }])).toThrow("unsafe path");
    expect(() => archiveEntries([{ path: "a", content: "", mode: 0o644 }, { path: "a/b", content: "", mode: 0o644 }])).toThrow();
    expect(() => archiveEntries([{ path: "a/b", content: "", mode: 0o644 }, { path: "a", content: "", mode: 0o644 }])).toThrow();
    expect(() => archiveEntries([{ path: "a", content: "", mode: 0o644 }, { path: "a", content: "x", mode: 0o644 }])).toThrow();
  });

  test("contentBytes counts UTF-8 bytes of the files", () => {
    expect(contentBytes(archiveEntries([{ path: "a", content: "ü", mode: 0o644 }, { path: "b/c", content: "xy", mode: 0o644 }]))).toBe(4);
  });
});

describe("crc32", () => {
  test("the standard check value, and continuation", () => {
    const enc = new TextEncoder();
    expect(crc32(enc.encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(enc.encode("56789"), crc32(enc.encode("1234")))).toBe(0xcbf43926);
  });
});

describe("tar", () => {
  const bytes = tarBytes(archiveEntries(files));

  test("GNU tar lists every entry with its mode, owner 0/0 and size, and extracts the same bytes and modes", () => {
    expect(bytes.length % TAR_BLOCK).toBe(0);
    const listing = run(["tar", "-tvf", "-"], bytes).trim().split("\n");
    const names = listing.map((l) => l.split(/\s+/).slice(5).join(" "));
    expect(names).toEqual([
      "a/", "a/empty", "a/ünïcode.yaml", "a-b.txt", "b/", "b/run.sh", "bin", "deep/", `${longDir}/`, `${longDir}/${"f".repeat(90)}.yaml`, `${"p".repeat(160)}.txt`,
    ]);
    expect(listing[0]).toMatch(/^drwxr-xr-x 0\/0 +0 1970-01-01 00:00 a\/$/);
    expect(listing[5]).toMatch(/^-rwxr-xr-x 0\/0 +18 /);
    expect(listing.at(-1)).toMatch(/^-rw------- 0\/0 +9 /);
    expectExtracted(extracted("tar", bytes));
  });

  test("headers: ustar magic, valid checksums; two zero blocks at the end; the same input gives the same bytes", () => {
    const header = bytes.subarray(0, TAR_BLOCK);
    expect(new TextDecoder().decode(header.subarray(257, 263))).toBe("ustar\0");
    let sum = 0;
    for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
    expect(parseInt(new TextDecoder().decode(header.subarray(148, 154)), 8)).toBe(sum);
    expect(bytes.subarray(bytes.length - 2 * TAR_BLOCK).every((b) => b === 0)).toBe(true);
    expect(tarBytes(archiveEntries(files))).toEqual(bytes);
    expect(tarBytes(archiveEntries([]))).toEqual(new Uint8Array(2 * TAR_BLOCK));
  });
});

interface CentralEntry {
  name: string;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  mode: number;
}

/** Read a zip back: the end record, the central directory, and each local header it points to. */
function readZip(bytes: Uint8Array): { entries: CentralEntry[]; data: (e: CentralEntry) => Uint8Array } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  expect(v.getUint32(end, true)).toBe(0x06054b50);
  const count = v.getUint16(end + 10, true);
  let at = v.getUint32(end + 16, true);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(v.getUint32(at, true)).toBe(0x02014b50);
    const nameLen = v.getUint16(at + 28, true);
    entries.push({
      method: v.getUint16(at + 10, true),
      crc: v.getUint32(at + 16, true),
      compressed: v.getUint32(at + 20, true),
      size: v.getUint32(at + 24, true),
      mode: v.getUint32(at + 38, true) >>> 16,
      offset: v.getUint32(at + 42, true),
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLen)),
    });
    at += 46 + nameLen;
  }
  const data = (e: CentralEntry) => {
    expect(v.getUint32(e.offset, true)).toBe(0x04034b50);
    expect(v.getUint32(e.offset + 14, true)).toBe(e.crc);
    const start = e.offset + 30 + v.getUint16(e.offset + 26, true) + v.getUint16(e.offset + 28, true);
    return bytes.subarray(start, start + e.compressed);
  };
  return { entries, data };
}

describe("zip", () => {
  test("stored: unzip tests and extracts it; central directory, local headers and CRCs agree", () => {
    const bytes = zipBytes(archiveEntries(files));
    expect(run(["unzip", "-t", "/dev/stdin"], bytes)).toContain("No errors detected");
    expectExtracted(extracted("zip", bytes));
    const { entries, data } = readZip(bytes);
    expect(entries.map((e) => e.name)).toEqual(archiveEntries(files).map((e) => (e.type === "dir" ? `${e.path}/` : e.path)));
    for (const e of entries) {
      expect(e.method).toBe(0);
      expect(e.compressed).toBe(e.size);
      expect(crc32(data(e))).toBe(e.crc);
      expect(e.mode & 0o170000).toBe(e.name.endsWith("/") ? 0o040000 : 0o100000);
    }
    expect(entries.find((e) => e.name === "b/run.sh")?.mode).toBe(0o100755);
  });

  test("deflated when that is smaller (raw DEFLATE); unzip verifies every CRC", () => {
    const bytes = zipBytes(archiveEntries(files), { deflate: (d) => Bun.deflateSync(d as Uint8Array<ArrayBuffer>) });
    const { entries, data } = readZip(bytes);
    const big = entries.find((e) => e.name === "a-b.txt") as CentralEntry;
    expect(big.method).toBe(8);
    expect(big.compressed).toBeLessThan(big.size);
    expect(new TextDecoder().decode(Bun.inflateSync(data(big) as Uint8Array<ArrayBuffer>))).toBe("x".repeat(3000));
    expect(entries.find((e) => e.name === "bin")?.method).toBe(0);
    expect(run(["unzip", "-t", "/dev/stdin"], bytes)).toContain("No errors detected");
    expectExtracted(extracted("zip", bytes));
  });

  test("one fixed time: the same input gives the same bytes; DOS dates clamp to 1980", () => {
    expect(zipBytes(archiveEntries(files))).toEqual(zipBytes(archiveEntries(files)));
    expect(run(["unzip", "-l", "/dev/stdin"], zipBytes(archiveEntries(files)))).toContain("1980-01-01 00:00");
    expect(dosDateTime(new Date(0))).toEqual({ date: 0x21, time: 0 });
    expect(dosDateTime(new Date(Date.UTC(2026, 2, 21, 10, 30, 44)))).toEqual({ date: (46 << 9) | (3 << 5) | 21, time: (10 << 11) | (30 << 5) | 22 });
  });
});
