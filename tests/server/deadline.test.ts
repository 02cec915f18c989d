/** The request deadline, streamed bodies (late work is discarded, its stream released) and the response cache. */
import { describe, expect, test } from "bun:test";
import { byteStream } from "../../cli/server/byte-stream.ts";
import { LruCache } from "../../cli/server/cache.ts";
import { withDeadline } from "../../cli/server/deadline.ts";

function* chunks(n: number, size: number): Generator<Uint8Array> {
  for (let i = 0; i < n; i++) yield new Uint8Array(size).fill(i);
}

describe("byteStream", () => {
  test("gathers chunks into blocks, keeps every byte, and reports done once", async () => {
    let done = 0;
    const s = byteStream(chunks(10, 300), () => done++, 1000);
    const blocks: number[] = [];
    let total = 0;
    for await (const b of s) {
      blocks.push(b.length);
      total += b.length;
    }
    expect(total).toBe(3000);
    expect(blocks).toEqual([1200, 1200, 600]);
    expect(done).toBe(1);
  });

  test("a cancelled stream (the client went away) also reports done", async () => {
    let done = 0;
    const s = byteStream(chunks(100, 1000), () => done++, 1000);
    const reader = s.getReader();
    await reader.read();
    await reader.cancel();
    expect(done).toBe(1);
  });
});

describe("withDeadline", () => {
  test("work done in time is the answer", async () => {
    const r = await withDeadline(() => new Response("ok"), 10_000, () => new Error("late"));
    expect(await r.text()).toBe("ok");
  });

  test("past the deadline: the signal fires, the deadline's error is thrown, a late streamed answer is cancelled", async () => {
    let finish!: () => void;
    const release = new Promise<void>((r) => (finish = r));
    let seen: AbortSignal | undefined;
    let streamDone = 0;
    const attempt = withDeadline(
      async (signal) => {
        seen = signal;
        await release;
        return new Response(byteStream(chunks(5, 10), () => streamDone++));
      },
      20,
      () => new Error("Request timed out after 20ms"),
    );
    await expect(attempt).rejects.toThrow("Request timed out after 20ms");
    expect(seen?.aborted).toBe(true);
    finish();
    for (let i = 0; i < 100 && streamDone === 0; i++) await Bun.sleep(1);
    expect(streamDone).toBe(1);
  });

  test("a handler's own error passes through unchanged", async () => {
    await expect(withDeadline(() => Promise.reject(new Error("own")), 10_000, () => new Error("late"))).rejects.toThrow("own");
  });
});

describe("LruCache", () => {
  test("bounded by entries and by bytes, least recently used dropped first; oversized values are not kept", () => {
    const c = new LruCache<string>(3, 100, (v) => v.length);
    c.set("a", "x".repeat(10));
    c.set("b", "x".repeat(10));
    c.set("c", "x".repeat(10));
    expect(c.get("a")).toBeDefined(); // a is now the most recent
    c.set("d", "x".repeat(10));
    expect([c.get("a") !== undefined, c.get("b") !== undefined, c.get("c") !== undefined, c.get("d") !== undefined]).toEqual([true, false, true, true]);
    c.set("e", "x".repeat(80)); // over 100 bytes in all: the oldest go until it fits
    expect(c.bytes).toBeLessThanOrEqual(100);
    expect(c.get("e")).toBeDefined();
    c.set("huge", "x".repeat(500));
    expect(c.get("huge")).toBeUndefined();
    c.set("e", "y");
    expect(c.get("e")).toBe("y");
    expect(c.bytes).toBeLessThanOrEqual(100);
  });
});
