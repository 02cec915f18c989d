/**
 * Test preload (bunfig.toml): every temporary file of a test run, from the tests and from the processes
 * they start, goes under one directory that is removed when the run ends, so runs leave nothing behind
 * in the system's temporary directory however a test ends.
 */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = mkdtempSync(join(tmpdir(), "aicr-test-run-"));
process.env["TMPDIR"] = root;
// A global hook: runs once after every test file of the run.
afterAll(() => rmSync(root, { recursive: true, force: true }));
