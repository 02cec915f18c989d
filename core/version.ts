/** The version of this build, recorded in every document it writes. */
import { packageVersion } from "./version.macro.ts" with { type: "macro" };

export const VERSION: string = packageVersion();
