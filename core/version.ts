/** The version of this build, recorded in every document it writes. */
import { embeddedVersion } from "../recipes/embed.ts" with { type: "macro" };

export const VERSION: string = embeddedVersion();
