/** The version of this build, recorded in every document it writes. */
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
