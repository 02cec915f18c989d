/** The Sprig v3 text functions this engine provides: strings, lists and dicts, math, defaults, encodings, dates, regexps, semver. */
import type { FunctionDef } from "../functions.ts";
import { collectionFunctions } from "./collections.ts";
import { generalFunctions } from "./general.ts";
import { mathFunctions } from "./math.ts";
import { stringFunctions } from "./strings.ts";

export const sprigFunctions: Readonly<Record<string, FunctionDef>> = {
  ...stringFunctions,
  ...collectionFunctions,
  ...mathFunctions,
  ...generalFunctions,
};
