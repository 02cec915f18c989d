/** `bun run bench`: every benchmark, figures printed (no pass/fail: compare the ratios). */
import { benchRecipe } from "./recipe.bench.ts";

await benchRecipe();
