/**
 * A fake exec credential plugin for tests: a script run by the Bun binary that logs each call
 * (arguments and KUBERNETES_EXEC_INFO) and prints an ExecCredential. Its behaviour comes from the
 * environment the kubeconfig gives it:
 *   PLUGIN_LOG          file each call appends a JSON line to
 *   PLUGIN_MODE         "token" (default), "cert" or "fail"
 *   PLUGIN_SUFFIX       token = "<first argument>-<suffix>"
 *   PLUGIN_TOKEN_FILE   token read from this file instead
 *   PLUGIN_CERT/KEY     PEM files returned in cert mode
 *   PLUGIN_EXPIRES      expirationTimestamp to return
 *   PLUGIN_API          apiVersion to answer with (default: the one asked for)
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const source = `
const fs = require("node:fs");
const env = process.env;
const info = JSON.parse(env.KUBERNETES_EXEC_INFO || "{}");
fs.appendFileSync(env.PLUGIN_LOG, JSON.stringify({ args: process.argv.slice(2), info }) + "\\n");
if (env.PLUGIN_MODE === "fail") {
  console.error("fake-plugin: you must log in first");
  process.exit(3);
}
const status = {};
if (env.PLUGIN_MODE === "cert") {
  status.clientCertificateData = fs.readFileSync(env.PLUGIN_CERT, "utf8");
  status.clientKeyData = fs.readFileSync(env.PLUGIN_KEY, "utf8");
} else {
  status.token = env.PLUGIN_TOKEN_FILE ? fs.readFileSync(env.PLUGIN_TOKEN_FILE, "utf8").trim() : process.argv[2] + "-" + env.PLUGIN_SUFFIX;
}
if (env.PLUGIN_EXPIRES) status.expirationTimestamp = env.PLUGIN_EXPIRES;
console.log(JSON.stringify({ apiVersion: env.PLUGIN_API || info.apiVersion, kind: "ExecCredential", status }));
`;

/** Write the plugin into `dir`; returns its path. */
export function writeFakePlugin(dir: string, name = "fake-plugin"): string {
  const path = join(dir, name);
  writeFileSync(path, `#!${process.execPath}\n${source}`);
  chmodSync(path, 0o755);
  return path;
}

export interface PluginCall {
  args: string[];
  info: { apiVersion?: string; kind?: string; spec?: { interactive?: boolean; cluster?: Record<string, unknown> } };
}

/** The calls logged so far. */
export function pluginCalls(log: string): PluginCall[] {
  let text = "";
  try {
    text = readFileSync(log, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as PluginCall);
}
