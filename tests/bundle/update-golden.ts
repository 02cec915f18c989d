/**
 * Regenerate the golden bundle trees: node_modules/.bin/bun tests/bundle/update-golden.ts [name...]
 * A name is a case (`training`) or a case with a deployer variant (`training-argocd`); none: all of them.
 */
import { goldenCases } from "./helpers.ts";
import { goldenName, goldenVariants, updateGolden, type GoldenCase } from "./golden.ts";

const all = new Map<string, [GoldenCase, string | undefined]>();
for (const name of Object.keys(goldenCases) as GoldenCase[]) {
  all.set(goldenName(name), [name, undefined]);
  for (const variant of Object.keys(goldenVariants)) all.set(goldenName(name, variant), [name, variant]);
}
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [...all.keys()];
for (const name of wanted) {
  const target = all.get(name);
  if (!target) throw new Error(`unknown golden tree ${name} (known: ${[...all.keys()].join(", ")})`);
  updateGolden(...target);
  console.log(`updated tests/fixtures/bundle/golden/${name}`);
}
