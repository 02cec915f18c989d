/** `bun run bench`: every benchmark, figures printed (no pass/fail: compare the ratios). */
import { benchAgent } from "./agent.bench.ts";
import { benchFleet } from "./fleet.bench.ts";
import { benchBundle } from "./bundle.bench.ts";
import { benchRecipe } from "./recipe.bench.ts";
import { benchServer } from "./server.bench.ts";

const only = Bun.argv[2];
if (!only || only === "recipe") await benchRecipe();
if (!only || only === "agent") await benchAgent();
if (!only || only === "bundle") await benchBundle();
if (!only || only === "fleet") await benchFleet();
if (!only || only === "server") await benchServer();
