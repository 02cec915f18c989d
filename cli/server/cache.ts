/**
 * A bounded least-recently-used map (rendered responses keyed by their request): at most `maxEntries`
 * entries and `maxBytes` of values, the least recently used dropped first. A value larger than the
 * whole budget is not kept.
 */
export class LruCache<V> {
  private readonly map = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    /** Size of a value in bytes (what `maxBytes` counts). */
    private readonly sizeOf: (v: V) => number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.total;
  }

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const size = this.sizeOf(value) + key.length;
    if (size > this.maxBytes) return;
    this.map.set(key, { value, size });
    this.total += size;
    while (this.map.size > this.maxEntries || this.total > this.maxBytes) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const e = this.map.get(key);
    if (e === undefined) return;
    this.map.delete(key);
    this.total -= e.size;
  }
}
