/**
 * POST /v1/bundle: the archive (zip or tar) extracts to exactly the directory `aicr bundle` writes —
 * same files, bytes and modes — for several deployers and options; headers describe it; the same
 * request gives the same bytes; bad parameters and bodies are 400 with the parameter at fault.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadStore } from "../../cli/catalogue.ts";
import { readDataDir } from "../../cli/data-dir.ts";
import { aicr, readTree, recipePath, removeDir, SPAWNING_TEST_TIMEOUT_MS, tempDir } from "../bundle/helpers.ts";
import { startTestServer, type TestServer } from "./helpers.ts";

const training = recipePath("eks-h100-ubuntu-training-kubeflow.yaml");
const inference = recipePath("eks-h100-ubuntu-inference-dynamo.yaml");
const trainingYaml = readFileSync(training, "utf8");

let s: TestServer;
let root: string;
beforeAll(() => {
  s = startTestServer();
  root = tempDir("aicr-server-bundle-");
});
afterAll(async () => {
  await s.stop();
  removeDir(root);
});

let n = 0;
const fresh = (name: string) => join(root, `${name}-${n++}`);

async function postBundle(server: TestServer, query: string, body: string, headers: Record<string, string> = { "Content-Type": "application/x-yaml" }): Promise<Response> {
  return fetch(`${server.url}/v1/bundle${query}`, { method: "POST", body, headers });
}

/** Extract an archive with the system's tools. */
function extract(bytes: Uint8Array, kind: "zip" | "tar"): string {
  const dir = fresh(`x-${kind}`);
  mkdirSync(dir);
  const file = `${dir}.${kind}`;
  writeFileSync(file, bytes);
  const cmd = kind === "zip" ? ["unzip", "-q", file, "-d", dir] : ["tar", "-xf", file, "-C", dir];
  const p = Bun.spawnSync(cmd);
  expect(p.stderr.toString()).toBe("");
  expect(p.exitCode).toBe(0);
  return dir;
}

/** The bundle the CLI writes for the same recipe and flags. */
function cliBundle(recipe: string, flags: string[] = []): string {
  const out = fresh("cli");
  const r = aicr(["bundle", "-r", recipe, "-o", out, ...flags]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return out;
}

function expectSameTree(actual: string, expected: string): void {
  const a = readTree(actual);
  const e = readTree(expected);
  expect([...a.files.keys()]).toEqual([...e.files.keys()]);
  for (const [path, text] of e.files) expect(a.files.get(path), path).toBe(text);
  expect([...a.modes]).toEqual([...e.modes]);
}

describe("archives match aicr bundle byte for byte", () => {
  test(
    "zip (default), files deflated: the helm bundle",
    async () => {
      const r = await postBundle(s, "", trainingYaml);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/zip");
      expect(r.headers.get("content-disposition")).toBe('attachment; filename="bundles.zip"');
      expect(r.headers.get("x-bundle-deployer")).toBe("helm");
      expect(r.headers.get("x-bundle-duration")).toMatch(/^\d+(\.\d+)?(ms|s|µs)$/);
      const bytes = new Uint8Array(await r.arrayBuffer());
      const listing = Bun.spawnSync(["unzip", "-Z", "-1", "/dev/stdin"], { stdin: bytes }).stdout.toString();
      const dir = extract(bytes, "zip");
      const expected = cliBundle(training);
      expectSameTree(dir, expected);
      const files = readTree(expected).files;
      expect(Number(r.headers.get("x-bundle-files"))).toBe(files.size);
      expect(Number(r.headers.get("x-bundle-size"))).toBe([...files.values()].reduce((t, x) => t + Buffer.byteLength(x), 0));
      // Directories are entries of their own, before their contents.
      const names = listing.trim().split("\n");
      expect(names.length).toBeGreaterThan(files.size);
      for (const [i, name] of names.entries()) {
        if (!name.includes("/") || name.endsWith("/")) continue;
        const parent = `${name.slice(0, name.lastIndexOf("/"))}/`;
        expect(names.indexOf(parent), name).toBeGreaterThanOrEqual(0);
        expect(names.indexOf(parent), name).toBeLessThan(i);
      }
      expect(Bun.spawnSync(["unzip", "-v", "/dev/stdin"], { stdin: bytes }).stdout.toString()).toContain("Defl:N");
    },
    SPAWNING_TEST_TIMEOUT_MS,
  );

  test(
    "tar by ?archive=tar and by Accept: application/x-tar; `tar -tvf` lists directories, files and script modes",
    async () => {
      const expected = cliBundle(training);
      for (const [query, headers] of [
        ["?archive=tar", { "Content-Type": "application/yaml" }],
        ["", { "Content-Type": "application/yaml", Accept: "application/x-tar" }],
      ] as const) {
        const r = await postBundle(s, query, trainingYaml, headers);
        expect(r.status).toBe(200);
        expect(r.headers.get("content-type")).toBe("application/x-tar");
        expect(r.headers.get("content-disposition")).toBe('attachment; filename="bundles.tar"');
        const bytes = new Uint8Array(await r.arrayBuffer());
        expect(bytes.length % 512).toBe(0);
        const listing = Bun.spawnSync(["tar", "-tvf", "-"], { stdin: bytes }).stdout.toString().trim().split("\n");
        expect(listing.some((l) => /^drwxr-xr-x .* 001-[^/]+\/$/.test(l))).toBe(true);
        expect(listing.find((l) => l.endsWith(" deploy.sh"))).toMatch(/^-rwxr-xr-x 0\/0 /);
        expect(listing.find((l) => l.endsWith(" checksums.txt"))).toMatch(/^-rw-r--r-- 0\/0 /);
        expectSameTree(extract(bytes, "tar"), expected);
      }
    },
    SPAWNING_TEST_TIMEOUT_MS,
  );

  test(
    "options as query parameters: argocd with --repo, --set (not split on commas), scheduling, nodes",
    async () => {
      const query =
        "?deployer=argocd&repo=https://git.example.com/gitops.git&set=gpu-operator:driver.version=570.1,2&set=cert-manager:replicaCount=2" +
        "&system-node-selector=pool=system&accelerated-node-toleration=nvidia.com/gpu:NoSchedule&nodes=4";
      const r = await postBundle(s, query, trainingYaml);
      expect(r.status).toBe(200);
      expect(r.headers.get("x-bundle-deployer")).toBe("argocd");
      const dir = extract(new Uint8Array(await r.arrayBuffer()), "zip");
      const expected = cliBundle(training, [
        "--deployer", "argocd", "--repo", "https://git.example.com/gitops.git",
        "--set", "gpu-operator:driver.version=570.1,2", "--set", "cert-manager:replicaCount=2",
        "--system-node-selector", "pool=system", "--accelerated-node-toleration", "nvidia.com/gpu:NoSchedule", "--nodes", "4",
      ]);
      expectSameTree(dir, expected);
      expect([...readTree(dir).files.values()].some((t) => t.includes("570.1,2"))).toBe(true);
    },
    SPAWNING_TEST_TIMEOUT_MS,
  );

  test(
    "a JSON body and another deployer (helmfile); the inference recipe",
    async () => {
      const cliJson = aicr(["recipe", "--service", "eks", "--accelerator", "h100", "--intent", "inference", "--os", "ubuntu", "--platform", "dynamo", "--format", "json"]);
      expect(cliJson.code).toBe(0);
      const r = await postBundle(s, "?deployer=helmfile&archive=tar", cliJson.stdout, { "Content-Type": "application/json" });
      expect(r.status).toBe(200);
      expectSameTree(extract(new Uint8Array(await r.arrayBuffer()), "tar"), cliBundle(inference, ["--deployer", "helmfile"]));
    },
    SPAWNING_TEST_TIMEOUT_MS,
  );

  test(
    "with --data: the catalogue overlay is used and copied under data/, as the CLI does",
    async () => {
      const data = fresh("data");
      mkdirSync(join(data, "components", "cert-manager"), { recursive: true });
      writeFileSync(join(data, "registry.yaml"), "apiVersion: aicr.nvidia.com/v1alpha1\nkind: ComponentRegistry\ncomponents: []\n");
      writeFileSync(join(data, "components", "cert-manager", "values.yaml"), "installCRDs: true\nfromData: yes-it-is\n");
      const withData = startTestServer({ store: await loadStore(data), dataFiles: readDataDir(data) });
      try {
        const r = await postBundle(withData, "", trainingYaml);
        expect(r.status).toBe(200);
        const dir = extract(new Uint8Array(await r.arrayBuffer()), "zip");
        expectSameTree(dir, cliBundle(training, ["--data", data]));
        expect(readFileSync(join(dir, "data", "registry.yaml"), "utf8")).toContain("kind: ComponentRegistry");
      } finally {
        await withData.stop();
      }
    },
    SPAWNING_TEST_TIMEOUT_MS,
  );
});

describe("the same request gives the same bytes", () => {
  test("zip and tar are deterministic", async () => {
    for (const q of ["", "?archive=tar"]) {
      const a = new Uint8Array(await (await postBundle(s, q, trainingYaml)).arrayBuffer());
      const b = new Uint8Array(await (await postBundle(s, q, trainingYaml)).arrayBuffer());
      expect(Bun.hash(a)).toBe(Bun.hash(b));
    }
  });
});

describe("bad bundle requests", () => {
  const cases: [string, string, string, RegExp | undefined][] = [
    ["?set=gpu-operator", trainingYaml, "Invalid set parameter", /invalid --set "gpu-operator": expected component:path=value/],
    ["?dynamic=gpu-operator:a=1", trainingYaml, "Invalid dynamic parameter", /does not accept '=value'/],
    ["?deployer=terraform", trainingYaml, "Invalid deployer parameter", /invalid deployer "terraform": must be one of helm, helmfile, flux, argocd, argocd-helm/],
    ["?system-node-selector=novalue", trainingYaml, "Invalid system-node-selector", /expected key=value/],
    ["?accelerated-node-toleration=a=b:Sometimes", trainingYaml, "Invalid accelerated-node-toleration", /effect "Sometimes" must be one of/],
    ["?workload-gate=:NoSchedule", trainingYaml, "Invalid workload-gate parameter", /key cannot be empty/],
    ["?workload-selector=x", trainingYaml, "Invalid workload-selector parameter", /expected key=value/],
    ["?nodes=5abc", trainingYaml, "nodes must be a non-negative integer", undefined],
    ["?nodes=-2", trainingYaml, "nodes must be a non-negative integer", undefined],
    ["?archive=rar", trainingYaml, "Invalid archive parameter", /invalid archive format "rar" \(allowed: zip, tar\)/],
    ["", "", "Invalid request body", /request body is empty/],
    ["", "kind: RecipeResult\ncomponentRefs: []\ndeploymentOrder: []\n", "Recipe must contain at least one component reference", undefined],
    ["", "kind: RecipeMetadata\nmetadata: {name: x}\n", "Invalid request body", /not a RecipeResult \(kind RecipeMetadata\)/],
  ];
  for (const [query, body, message, error] of cases) {
    test(`${query || "(no parameters)"} ${body === "" ? "empty body" : ""}: 400 ${message}`, async () => {
      const r = await postBundle(s, query, body);
      expect(r.status).toBe(400);
      const b = (await r.json()) as Record<string, any>;
      expect(b["code"]).toBe("INVALID_REQUEST");
      expect(b["message"]).toBe(message);
      if (error) expect(b["details"]["error"]).toMatch(error);
      else expect(b["details"]).toBeUndefined();
      expect((await fetch(`${s.url}/health`)).status).toBe(200);
    });
  }

  test("an empty workload-gate is treated as absent; unknown parameters are ignored", async () => {
    expect((await postBundle(s, "?workload-gate=&bundlers=x", trainingYaml)).status).toBe(200);
  });

  test("a bundler refusal keeps the bundler's code and message (an unsafe component name), and the server carries on", async () => {
    const evil = trainingYaml.replace("- name: cert-manager\n", "- name: ../evil\n").replace(/- cert-manager\n/g, "- ../evil\n");
    const r = await postBundle(s, "", evil);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({
      code: "INVALID_REQUEST",
      message: 'invalid component name "../evil": must not contain path separators or parent directory references',
      retryable: false,
    });
    expect((await postBundle(s, "", trainingYaml)).status).toBe(200);
  });

  test("allow-lists apply to the recipe's criteria", async () => {
    const a = startTestServer({ allowlists: { accelerator: ["gb200"] } });
    try {
      const r = await postBundle(a, "", trainingYaml);
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ message: "accelerator type not allowed", details: { allowed: ["gb200"], requested: "h100" } });
    } finally {
      await a.stop();
    }
  });
});
