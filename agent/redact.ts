/**
 * Secret redaction for collected readings (beyond upstream, on by default): a snapshot is shared with
 * people and tools that must not see credentials. The reading stays, only the secret part becomes
 * `<redacted>`, and the snapshot lists which readings were touched.
 *
 * What counts as secret:
 * - systemd `Environment` (every variable's value; names are kept) and `EnvironmentFiles` (whole value);
 * - a reading whose key names a secret (token, password, secret, credential, API/access/private key, ...),
 *   unless the key names where the secret lives (`...-file`, `...-path`, `...-name`);
 * - inside any text: `--token=x`, `--password x`, `AWS_SECRET_ACCESS_KEY=x`, `"name":"X_TOKEN","value":"x"`,
 *   `user:password@` in URLs, bearer/basic credentials, JWTs, private key blocks and well-known token
 *   formats (AWS access key ids, GitHub/GitLab/Slack tokens, kubeadm bootstrap tokens).
 */
import type { Measurement } from "../core/schema/snapshot.ts";
import type { Reading } from "./collector.ts";

export const REDACTED = "<redacted>";

export interface RedactionResult {
  measurements: Measurement[];
  /** Readings that had something replaced, as `Type.subtype.key`, sorted. */
  redacted: string[];
}

const secretWords = new Set([
  "token", "tokens", "password", "passwords", "passwd", "passphrase", "secret", "credential", "credentials",
  "apikey", "privatekey", "accesskey", "secretkey", "authkey", "clientsecret",
]);
/** Words that make the word `key` secret when they come right before it (`api-key`, `ACCESS_KEY`). */
const keyQualifiers = new Set(["api", "access", "private", "secret", "auth", "signing", "encryption", "ssh", "master", "session"]);
/** Last words that mean the setting points at a secret rather than holding it. */
const benignLastWords = new Set([
  "file", "files", "path", "paths", "dir", "directory", "name", "names", "ref", "mode", "enabled", "type", "kind",
  "ttl", "expiry", "expiration", "policy", "length", "size", "count", "source", "mount", "volume",
  "config", "conf", "bin", "provider", "plugin", "endpoint", "url", "uri",
]);

/** Words of a setting name: split on punctuation and camelCase (`secretAccessKey` → secret access key). */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
}

/** Whether a setting called `name` holds a secret (`--token`, `AWS_SECRET_ACCESS_KEY`, `apiKey`). */
export function isSecretName(name: string): boolean {
  const words = wordsOf(name.slice(name.lastIndexOf("/") + 1));
  if (words.length === 0 || benignLastWords.has(words[words.length - 1] as string)) return false;
  if (words.length === 1 && words[0] === "key") return true;
  return words.some((w, i) => secretWords.has(w) || (w === "key" && i > 0 && keyQualifiers.has(words[i - 1] as string)));
}

/** Value of an assignment: quoted, or up to whitespace or a separator. */
const VALUE = String.raw`(?:"[^"]*"|'[^']*'|[^\s"',;}\]]+)`;
const NAME = String.raw`[A-Za-z_][A-Za-z0-9_.-]*`;

const assignment = new RegExp(String.raw`(^|[\s"'{;,\[(])(-{0,2})(${NAME})(["']?(?:=|:[ \t]*))(${VALUE})`, "g");
const spacedFlag = new RegExp(String.raw`(^|\s)(--)(${NAME})([ \t]+)([^\s-][^\s;,"'\]}]*)`, "g");
const jsonEnv = /("name"\s*:\s*"([^"]*)"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")/g;

/** Patterns whose whole match is a secret, with the part to keep (group 1) when there is one. */
const tokenPatterns: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g,
];
/** `scheme://user:password@host` → keep the user. */
const urlCredentials = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(@)/gi;

/** The redaction marker in the quotes the original value had. */
const requote = (value: string) => (/^["']/.test(value) ? `${value[0]}${REDACTED}${value[0]}` : REDACTED);

/** `text` with secrets inside it replaced; unchanged when there are none. */
export function redactText(text: string): string {
  let out = text.replace(assignment, (m, pre: string, dashes: string, name: string, sep: string, value: string) =>
    isSecretName(name) && value !== REDACTED ? `${pre}${dashes}${name}${sep}${requote(value)}` : m,
  );
  out = out.replace(spacedFlag, (m, pre: string, dashes: string, name: string, sp: string, value: string) =>
    isSecretName(name) && value !== REDACTED ? `${pre}${dashes}${name}${sp}${REDACTED}` : m,
  );
  out = out.replace(jsonEnv, (m, head: string, name: string, value: string, tail: string) =>
    isSecretName(name) && value !== "" ? `${head}${REDACTED}${tail}` : m,
  );
  out = out.replace(urlCredentials, `$1${REDACTED}$2`);
  for (const re of tokenPatterns) out = out.replace(re, (m, keep?: unknown) => `${typeof keep === "string" ? keep : ""}${REDACTED}`);
  return out;
}

/** Split systemd's rendering of an environment list into words, honouring double and single quotes. */
function envWords(text: string): string[] {
  const words: string[] = [];
  let cur = "";
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === "\\" && quote === '"' && i + 1 < text.length) cur += text[++i];
      else if (c === quote) quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** `A=1 B="x y"` → `A=<redacted> B=<redacted>`: every variable keeps its name, loses its value. */
export function redactEnvironment(text: string): string {
  return envWords(text)
    .map((w) => {
      const at = w.indexOf("=");
      return at < 0 ? w : `${w.slice(0, at)}=${REDACTED}`;
    })
    .join(" ");
}

/** Subtypes whose keys are names of things (images, node labels), not settings: only their text is scanned. */
const keysAreNames = (type: string, subtype: string) => (type === "K8s" && subtype === "image") || type === "NodeTopology";

function redactReading(type: string, subtype: string, key: string, value: Reading): Reading {
  if (typeof value === "boolean") return value;
  if (type === "SystemD" && key === "EnvironmentFiles") return value === "" ? value : REDACTED;
  if (type === "SystemD" && key === "Environment") return typeof value === "string" && value !== "" ? redactEnvironment(value) : value;
  if (!keysAreNames(type, subtype) && isSecretName(key)) return value === "" ? value : REDACTED;
  return typeof value === "string" ? redactText(value) : value;
}

/** Copies of `measurements` with secrets replaced, and the list of readings that changed. */
export function redactMeasurements(measurements: readonly Measurement[]): RedactionResult {
  const redacted: string[] = [];
  const out = measurements.map((m) => {
    if (m.subtypes === undefined) return { ...m };
    const subtypes = m.subtypes.map((s) => {
      if (s.data === undefined) return s;
      const data: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.data)) {
        const r = isReading(v) ? redactReading(m.type, s.subtype ?? "", k, v) : v;
        if (r !== v) redacted.push(`${m.type}.${s.subtype ?? ""}.${k}`);
        data[k] = r;
      }
      return { ...s, data };
    });
    return { ...m, subtypes };
  });
  return { measurements: out, redacted: [...new Set(redacted)].sort() };
}

const isReading = (v: unknown): v is Reading => ["string", "number", "boolean", "bigint"].includes(typeof v);
