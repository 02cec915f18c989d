/**
 * Running one task per item with at most `limit` in flight at a time. Results come back in item order
 * whatever order the tasks finish in; a task that throws rejects the whole run, so tasks that may fail
 * (one unreachable host) should turn their failure into a result.
 */
import { invalid } from "../errors.ts";

export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw invalid(`parallelism must be a whole number of at least 1, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
