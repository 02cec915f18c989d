/** The catalogue a command works on: the embedded one, or external data (`--data DIR`) layered over it. */
import { AicrError, internal } from "../core/errors.ts";
import { embeddedEntries, embeddedStore } from "../core/catalogue/embedded.ts";
import { buildStore, type Store } from "../core/catalogue/store.ts";

/** Embedded store, or embedded + external data. Failures are INTERNAL "failed to initialize data provider". */
export async function loadStore(dataDir: string | undefined): Promise<Store> {
  if (dataDir === undefined || dataDir === "") {
    return embeddedStore();
  }
  try {
    const { readDataDir } = await import("./data-dir.ts");
    const files = readDataDir(dataDir);
    // Schema decoding is loaded only when external data is used.
    const { decodeEntries } = await import("../core/catalogue/entry.ts");
    const external = decodeEntries(files, "external");
    return buildStore(embeddedEntries(), external);
  } catch (err) {
    if (err instanceof AicrError) throw internal(`failed to initialize data provider from ${dataDir}`, err);
    throw err;
  }
}
