/**
 * `aicr completion bash|zsh|fish`: scripts generated from the command tree pass each shell's syntax
 * check (and shellcheck), name every command and flag, and complete what a user types: subcommands,
 * flags, flag values from the catalogue (criteria, deployers, formats, phases, components for --set),
 * in both `--flag value` and `--flag=value` forms. Each shell is driven for real.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../../cli/main.ts";
import { allCommands, commandSpec, type CommandSpec } from "../../cli/completion/spec.ts";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { criteriaValues } from "../../core/recipe/criteria.ts";
import { aicr, expectFailure, removeDir, tempDir } from "../cli/helpers.ts";

const dir = tempDir("aicr-completion-");
const scripts: Record<string, string> = {};
const paths: Record<string, string> = {};
let spec: CommandSpec;
const components = (embeddedStore().registry.components ?? []).map((c) => c.name).sort();

beforeAll(async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const r = aicr(["completion", shell]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    scripts[shell] = r.stdout;
    paths[shell] = join(dir, `aicr.${shell}`);
    writeFileSync(paths[shell] as string, r.stdout);
  }
  spec = await commandSpec(root, [], { components });
});
afterAll(() => removeDir(dir));

function sh(cmd: string[], stdin?: string): { code: number; out: string; err: string } {
  const p = Bun.spawnSync(cmd, { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: dir, TERM: "xterm" }, timeout: 60_000 });
  return { code: p.exitCode ?? -1, out: p.stdout.toString(), err: p.stderr.toString() };
}

describe("generated scripts", () => {
  test("each passes its shell's syntax check; the bash script passes shellcheck", () => {
    expect(sh(["bash", "-n", paths["bash"] as string])).toMatchObject({ code: 0, err: "" });
    expect(sh(["zsh", "-n", paths["zsh"] as string])).toMatchObject({ code: 0, err: "" });
    expect(sh(["fish", "-n", paths["fish"] as string])).toMatchObject({ code: 0, err: "" });
    expect(sh(["shellcheck", "-s", "bash", paths["bash"] as string])).toMatchObject({ code: 0, out: "" });
  });

  test("the command tree is walked whole: every command, subcommand and flag spelling is in every script", () => {
    const cmds = allCommands(spec);
    expect(cmds.map((c) => c.path.join(" "))).toEqual(expect.arrayContaining(["", "recipe", "recipe lint", "query", "bundle", "validate", "verify", "serve", "completion", "snapshot", "diff"]));
    for (const c of cmds) {
      for (const f of c.flags) {
        for (const s of f.spellings) {
          expect(scripts["bash"], `${c.path.join(" ")} ${s}`).toContain(s);
          expect(scripts["zsh"], `${c.path.join(" ")} ${s}`).toContain(s);
          expect(scripts["fish"], `${c.path.join(" ")} ${s}`).toContain(s.startsWith("--") ? `-l ${s.slice(2)}` : `-s ${s.slice(1)}`);
        }
      }
    }
  });

  test("values come from the catalogue: every component for --set, every criteria value", () => {
    expect(components.length).toBeGreaterThan(5);
    for (const c of components) for (const shell of ["bash", "zsh", "fish"]) expect(scripts[shell], `${shell} ${c}`).toContain(c);
    for (const values of Object.values(criteriaValues)) for (const v of values) expect(scripts["bash"]).toContain(v);
  });

  test("an unsupported shell is one error line, exit 2", () => {
    expectFailure(aicr(["completion", "powershell"]), 2, 'unsupported shell "powershell" (allowed: bash, zsh, fish)');
    expectFailure(aicr(["completion"]), 1, "missing argument SHELL");
  });
});

/** Completions bash offers for the words (the last one is being completed). */
function bashComplete(words: string[]): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
  const script = `source ${paths["bash"]}\nCOMP_WORDS=(${quoted})\nCOMP_CWORD=${words.length - 1}\n_aicr\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
  const r = sh(["bash", "--norc", "--noprofile"], script);
  expect(r.err).toBe("");
  return r.out.split("\n").filter((l) => l !== "");
}

describe("bash", () => {
  const cases: [string[], string[]][] = [
    [["aicr", ""], ["bundle", "completion", "diff", "query", "recipe", "serve", "snapshot", "validate", "verify"]],
    [["aicr", "re"], ["recipe"]],
    [["aicr", "--debug", "bu"], ["bundle"]],
    [["aicr", "recipe", "--ser"], ["--service"]],
    [["aicr", "recipe", "--service", ""], [...criteriaValues.service]],
    [["aicr", "recipe", "--service", "e"], ["eks"]],
    [["aicr", "recipe", "--service=e"], ["eks"]],
    [["aicr", "recipe", "--service", "=", "g"], ["gke"]],
    [["aicr", "query", "--gpu", ""], [...criteriaValues.accelerator]],
    [["aicr", "recipe", "--intent", ""], ["inference", "training"]],
    [["aicr", "recipe", "--os", "u"], ["ubuntu"]],
    [["aicr", "recipe", "--platform", ""], ["dynamo", "kubeflow"]],
    [["aicr", "recipe", "--format", ""], ["yaml", "json", "table"]],
    [["aicr", "bundle", "--format", ""], ["json", "text"]],
    [["aicr", "bundle", "--deployer", "argo"], ["argocd", "argocd-helm"]],
    [["aicr", "bundle", "--set", "gpu-op"], ["gpu-operator:"]],
    [["aicr", "bundle", "--dynamic", "cert"], ["cert-manager:"]],
    [["aicr", "validate", "--phase", ""], ["readiness", "deployment", "performance", "conformance", "all"]],
    [["aicr", "recipe", ""], ["lint"]],
    [["aicr", "recipe", "lint", "--f"], ["--format"]],
    [["aicr", "recipe", "--service", "eks", ""], []],
    [["aicr", "completion", ""], ["bash", "zsh", "fish"]],
    [["aicr", "serve", "--rate", ""], []],
    [["aicr", "--v"], ["--version"]],
  ];
  for (const [words, want] of cases) {
    test(`${words.join(" ")}| -> ${want.join(" ") || "(nothing)"}`, () => {
      expect(bashComplete(words)).toEqual(want);
    });
  }

  test("every flag of a command, with aliases; flag values that are files complete files", () => {
    const flags = bashComplete(["aicr", "recipe", "-"]);
    expect(flags).toEqual(expect.arrayContaining(["--service", "--accelerator", "--gpu", "--criteria", "-c", "--snapshot", "-s", "--output", "-o", "--explain", "--help", "--debug"]));
    writeFileSync(join(dir, "criteria-eks.yaml"), "kind: RecipeCriteria\n");
    expect(bashComplete(["aicr", "recipe", "--criteria", join(dir, "criteria-")])).toEqual([join(dir, "criteria-eks.yaml")]);
    expect(bashComplete(["aicr", "verify", join(dir, "crit")])).toEqual([]);
  });
});

describe("fish", () => {
  /** `complete -C LINE`: candidates (without descriptions). */
  function fishComplete(line: string): string[] {
    const r = sh(["fish", "--no-config", "-c", `source ${paths["fish"]}; complete -C ${JSON.stringify(line)}`]);
    expect(r.err).toBe("");
    return r.out.split("\n").filter((l) => l !== "").map((l) => l.split("\t")[0] as string);
  }

  test("subcommands with descriptions, flags, values, component names with a colon", () => {
    const top = sh(["fish", "--no-config", "-c", `source ${paths["fish"]}; complete -C 'aicr '`]).out;
    expect(top).toContain("recipe\tGenerate a version-locked recipe");
    expect(fishComplete("aicr recipe --service ")).toEqual([...criteriaValues.service]);
    expect(fishComplete("aicr recipe --gpu h")).toEqual(["h100"]);
    expect(fishComplete("aicr bundle --set gpu")).toEqual(["gpu-operator:"]);
    expect(fishComplete("aicr bundle --deployer ")).toEqual(expect.arrayContaining(["helm", "argocd"]));
    expect(fishComplete("aicr validate --phase r")).toEqual(["readiness"]);
    expect(fishComplete("aicr recipe ")).toEqual(["lint"]);
    expect(fishComplete("aicr recipe lint --")).toEqual(expect.arrayContaining(["--data", "--format", "--help"]));
    expect(fishComplete("aicr completion ")).toEqual(["bash", "fish", "zsh"]);
    expect(fishComplete("aicr --debug recipe --intent ")).toEqual(["inference", "training"]);
    expect(fishComplete("aicr recipe --service eks --intent ")).toEqual(["inference", "training"]);
  });
});

describe("zsh", () => {
  /**
   * Drive an interactive zsh through a pseudo-terminal: type each line and Tab, then clear the line
   * and print a marker; what zsh drew between markers is the completion (a list, or the line completed).
   */
  function zshComplete(lines: string[]): string[] {
    const driver = [
      "zmodload zsh/zpty",
      "zpty z zsh -f -i",
      `zpty -w z "PS1='ZP%# '; RPROMPT=''; unsetopt zle_bracketed_paste 2>/dev/null; autoload -Uz compinit; compinit -u -D; source ${paths["zsh"]}; setopt NO_BEEP; LISTMAX=1000"`,
      `zpty -w z 'print -r -- $((40+2))READY'`,
      `zpty -r z line '*42READY*ZP\\# '`,
      ...lines.flatMap((l, i) => [
        `zpty -w -n z ${shq(l)}$'\\t'`,
        `zpty -w -n z $'\\x15'`,
        `zpty -w z 'print -r -- $((1000+${i}))MARK'`,
        `zpty -r z out '*${1000 + i}MARK*ZP\\# '`,
        `print -r -- "<<<$out>>>"`,
      ]),
      "zpty -d z",
    ].join("\n");
    const r = sh(["zsh", "-f"], driver);
    expect(r.code).toBe(0);
    const clean = r.out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
    return [...clean.matchAll(/<<<([\s\S]*?)>>>/g)].map((m) => m[1] as string);
  }
  const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

  test("lists and inserts completions: subcommands, values, components, flag=value", () => {
    const [services, gpu, set, top, sub, phases, eq, shells] = zshComplete([
      "aicr recipe --service ",
      "aicr recipe --gpu h",
      "aicr bundle --set gpu",
      "aicr ",
      "aicr recipe ",
      "aicr validate --phase ",
      "aicr recipe --service=g",
      "aicr completion ",
    ]);
    expect(services).toMatch(/aks\s+eks\s+gke\s+kind\s+oke/);
    expect(gpu).toContain("aicr recipe --gpu h100");
    expect(set).toContain("aicr bundle --set gpu-operator:");
    expect(top).toMatch(/recipe\s+-- Generate a version-locked recipe/);
    expect(top).toMatch(/serve\s+-- Run aicrd/);
    expect(sub).toContain("aicr recipe lint");
    expect(phases).toMatch(/all\s+conformance\s+deployment\s+performance\s+readiness/);
    expect(eq).toContain("aicr recipe --service=gke");
    expect(shells).toMatch(/bash\s+fish\s+zsh/);
  });
});
