/**
 * `aicr-agent snapshot --template SOURCE`: the snapshot rendered with a Go template (Sprig functions)
 * instead of YAML/JSON — a file, a URL or a built-in (`builtin:report`, the example cluster report) —
 * for several kinds of node and of snapshot; and a template that cannot be used is one error line.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { builtinTemplate, builtinTemplateNames } from "../../agent/builtin-templates.ts";
import { renderSnapshotTemplate } from "../../core/template/snapshot-template.ts";
import { parseByName } from "../../core/yaml.ts";
import { BUN, host, REPO, tempDir } from "./helpers.ts";

const reportPath = join(REPO, "recipes", "templates", "snapshot-report.md.tmpl");
const reportText = readFileSync(reportPath, "utf8");
const { dir, cleanup } = tempDir("aicr-template-");
afterAll(cleanup);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function agent(args: string[], env: Record<string, string> = {}): Run {
  const r = Bun.spawnSync([BUN, "agent/main.ts", "snapshot", "--no-cluster", ...args], { cwd: REPO, env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, ...env } });
  return { code: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function expectOneErrorLine(r: Run, code: number, text: string | RegExp): void {
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  if (typeof text === "string") expect(lines[0]).toContain(text);
  else expect(lines[0]).toMatch(text);
  expect(lines[0]).toStartWith("error: ");
  expect(r.stdout).toBe("");
  expect(r.code).toBe(code);
}

const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("the example report on real nodes (host fixtures)", () => {
  test("a GPU node: OS, kernel, GPU table with driver and CUDA, NVIDIA modules, sysctls", () => {
    const r = agent(["--host-root", host("ubuntu-24.04"), "--template", "builtin:report"], { NODE_NAME: "gpu-h100-07" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("# Cluster report: gpu-h100-07\n");
    expect(r.stdout).toContain("| Operating system | Ubuntu 24.04.2 LTS |");
    expect(r.stdout).toContain("| NVIDIA H100 80GB HBM3 | 8 | Hopper | 550.127.08 | 12.4 |");
    expect(r.stdout).toMatch(/NVIDIA kernel modules: nvidia, /);
    expect(r.stdout).toContain("| `vm.swappiness` | 60 |");
    expect(r.stdout).toContain("- GPU: smi (");
  });

  test("nodes without a GPU, and other operating systems", () => {
    for (const [name, os] of [
      ["ubuntu-22.04", "Ubuntu 22.04"],
      ["cos", "Container-Optimized OS"],
      ["rhel-9", "Red Hat Enterprise Linux"],
    ] as const) {
      const r = agent(["--host-root", host(name), "--template", "builtin:report"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, name).toContain(`| Operating system | ${os}`);
      expect(r.stdout, name).toMatch(/## GPUs\n\n(\| Model |No GPU found on this node\.|No GPU measurement in this snapshot\.)/);
      expect(r.stdout, name).toContain("## Measurements\n\n- ");
    }
  });

  test("a file and the built-in give the same report; -o writes it; nothing is added after the template's output", () => {
    const strip = (s: string) => s.replace(/\| Snapshot taken \| [^|]+ \|/, "");
    const fromFile = agent(["--host-root", host("cos"), "--template", reportPath]);
    const builtin = agent(["--host-root", host("cos"), "--template", "builtin:snapshot-report"]);
    expect(fromFile.code).toBe(0);
    expect(strip(fromFile.stdout)).toBe(strip(builtin.stdout));
    const out = join(dir, "report.md");
    expect(agent(["--host-root", host("cos"), "--template", reportPath, "-o", out]).code).toBe(0);
    expect(strip(readFileSync(out, "utf8"))).toBe(strip(fromFile.stdout));
    const bare = agent(["--host-root", host("cos"), "--template", write("bare.tmpl", "{{ .Kind }}/{{ len .Measurements }}")]);
    expect(bare.stdout).toMatch(/^Snapshot\/\d+$/);
  });

  test("a template over HTTP", async () => {
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req) => (new URL(req.url).pathname === "/t.tmpl" ? new Response('{{ index .Metadata "source-node" }} {{ upper .Kind }}') : new Response("gone", { status: 404 })),
    });
    try {
      const p = Bun.spawn([BUN, "agent/main.ts", "snapshot", "--no-cluster", "--host-root", host("cos"), "--template", `http://127.0.0.1:${server.port}/t.tmpl`], {
        cwd: REPO,
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, NODE_NAME: "n1" },
        stdout: "pipe",
        stderr: "pipe",
      });
      expect([await new Response(p.stdout).text(), await p.exited]).toEqual(["n1 SNAPSHOT", 0]);
      const missing = Bun.spawn([BUN, "agent/main.ts", "snapshot", "--no-cluster", "--template", `http://127.0.0.1:${server.port}/nope`], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
      const err = await new Response(missing.stderr).text();
      expect(await missing.exited).toBe(6);
      expect(err.trim()).toBe(`error: [SERVICE_UNAVAILABLE] cannot fetch template http://127.0.0.1:${server.port}/nope: HTTP 404`);
    } finally {
      await server.stop(true);
    }
  });
});

describe("the example report against stored snapshots of several kinds", () => {
  const sources = [
    ...readdirSync(join(REPO, "tests", "fixtures", "snapshots")).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => join(REPO, "tests", "fixtures", "snapshots", f)),
    ...readdirSync(join(REPO, "tests", "template", "fixtures")).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => join(REPO, "tests", "template", "fixtures", f)),
  ];
  const render = (path: string) => renderSnapshotTemplate(reportText, parseByName(readFileSync(path, "utf8"), path).value, "snapshot-report.md.tmpl");

  test("every stored snapshot renders, with every section", () => {
    expect(sources.length).toBeGreaterThanOrEqual(12);
    for (const path of sources) {
      const out = render(path);
      for (const section of ["# Cluster report: ", "## GPUs", "## Key sysctls", "## Measurements"]) expect(out, path).toContain(section);
    }
  });

  test("what each kind shows: an EKS GPU node, a CPU-only kind node, a partial snapshot without GPU data", () => {
    const eks = render(join(REPO, "tests", "fixtures", "snapshots", "eks-h100-ubuntu.yaml"));
    expect(eks).toContain("| Kubernetes | v1.33.5-eks-3025e55 |");
    expect(eks).toContain("| NVIDIA H100 80GB HBM3 | 8 | n/a | 580.95.05 | n/a |");
    const cpu = render(join(REPO, "tests", "template", "fixtures", "snapshot-cpu-node.yaml"));
    expect(cpu).toStartWith("# Cluster report: kind-worker\n");
    expect(cpu).toContain("| Container runtime | containerd://2.0.1 |");
    expect(cpu).toContain("No GPU found on this node.");
    const partial = render(join(REPO, "tests", "template", "fixtures", "snapshot-partial.json"));
    expect(partial).toContain("| Operating system | Red Hat Enterprise Linux 9.4 (Plow) |");
    expect(partial).toContain("No GPU measurement in this snapshot.");
  });
});

describe("built-in templates", () => {
  test("are the files of recipes/templates, by name or short alias", () => {
    expect(builtinTemplateNames()).toEqual(["report", "snapshot-report"]);
    expect(builtinTemplate("report")).toEqual({ file: "snapshot-report.md.tmpl", text: reportText });
    expect(builtinTemplate("nope")).toBeUndefined();
  });
});

describe("a template that cannot be used: one line, an exit status, nothing written", () => {
  test("a syntax error names template:line:column (exit 2)", () => {
    const p = write("broken.tmpl", "# Report\n{{ range .Measurements }}\n  {{ .Type \n{{ end }}\n");
    expectOneErrorLine(agent(["--host-root", host("cos"), "--template", p]), 2, `error: [INVALID_REQUEST] template: ${p}:4:1: unexpected "{" in operand`);
    const q = write("unclosed.tmpl", "{{ if .Kind }}x\n");
    expectOneErrorLine(agent(["--host-root", host("cos"), "--template", q]), 2, new RegExp(`template: ${q}:\\d+:\\d+: unexpected EOF`));
  });

  test("an unknown function is refused before anything is measured (exit 2)", () => {
    const p = write("unknown-fn.tmpl", "ok\n{{ .Kind | shout }}\n");
    expectOneErrorLine(agent(["--host-root", host("cos"), "--template", p]), 2, `error: [INVALID_REQUEST] template: ${p}:2:12: function "shout" not defined`);
  });

  test("an error while rendering names where (exit 2)", () => {
    const p = write("exec.tmpl", "{{ .NoSuchField }}");
    expectOneErrorLine(agent(["--host-root", host("cos"), "--template", p]), 2, `template: ${p}:1:4: executing "${p}" at <.NoSuchField>: can't evaluate field NoSuchField in type *snapshotter.Snapshot`);
  });

  test("a missing file or unknown built-in is NOT_FOUND (exit 3); conflicting flags are exit 2", () => {
    expectOneErrorLine(agent(["--template", join(dir, "missing.tmpl")]), 3, "template not found: ");
    expectOneErrorLine(agent(["--template", "builtin:nope"]), 3, "no built-in template builtin:nope (available: builtin:report, builtin:snapshot-report)");
    expectOneErrorLine(agent(["--template", reportPath, "--format", "json"]), 2, "--template and --format cannot be combined");
    expectOneErrorLine(agent(["--template", reportPath, "-o", "cm://aicr/report"]), 2, "--template cannot be combined with a cm:// output");
  });
});

beforeAll(() => {
  // The help lists the flag.
  const r = Bun.spawnSync([BUN, "agent/main.ts", "snapshot", "--help"], { cwd: REPO });
  expect(r.stdout.toString()).toContain("--template SOURCE");
});
