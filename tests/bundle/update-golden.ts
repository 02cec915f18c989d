/** Regenerate the golden bundle trees: node_modules/.bin/bun tests/bundle/update-golden.ts [case...] */
import { goldenCases } from "./helpers.ts";
import { updateGolden, type GoldenCase } from "./golden.ts";

const wanted = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(goldenCases)) as GoldenCase[];
for (const name of wanted) {
  if (!(name in goldenCases)) throw new Error(`unknown golden case ${name} (known: ${Object.keys(goldenCases).join(", ")})`);
  updateGolden(name);
  console.log(`updated tests/fixtures/bundle/golden/${name}`);
}
