/**
 * Fake `helm`, `kubectl` and `sleep` executables for running deploy.sh / undeploy.sh: each call is
 * appended to a log (`helm[<cwd folder>] <args>`), and answers come from files in a state directory
 * that a test prepares.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeExecutable } from "./helpers.ts";

const helm = `#!/usr/bin/env bash
echo "helm[$(basename "$PWD")] $*" >> "$FAKE_LOG"
state="$FAKE_STATE"
case "$1" in
  upgrade)
    rel="$3"
    if [ -f "$state/helm-fail/$rel" ]; then
      budget="$(cat "$state/helm-fail/$rel")"
      used="$(cat "$state/helm-fail/$rel.used" 2>/dev/null || echo 0)"
      if [ "$used" -lt "$budget" ]; then
        echo $((used + 1)) > "$state/helm-fail/$rel.used"
        echo "Error: fake install failure of $rel" >&2
        exit 1
      fi
    fi
    ;;
  status)
    if [ -f "$state/helm-status/$2" ]; then
      printf 'NAME: %s\\nSTATUS: %s\\n' "$2" "$(cat "$state/helm-status/$2")"
      exit 0
    fi
    echo "Error: release: not found" >&2
    exit 1
    ;;
  uninstall)
    if [ -f "$state/helm-uninstall-fail/$2" ]; then
      case " $* " in
        *" --no-hooks "*) ;;
        *) echo "Error: fake uninstall failure of $2" >&2; exit 1 ;;
      esac
    fi
    ;;
esac
exit 0
`;

const kubectl = `#!/usr/bin/env bash
echo "kubectl $*" >> "$FAKE_LOG"
state="$FAKE_STATE"
args=("$@")
# Drop a leading --kubeconfig FILE.
if [ "\${args[0]:-}" = "--kubeconfig" ]; then args=("\${args[@]:2}"); fi
verb="\${args[0]:-}"
if [ "$verb" = "get" ]; then
  res="\${args[1]:-}"
  all=" \${args[*]} "
  case "$res" in
    namespace)
      ns="\${args[2]}"
      if [[ "$all" == *" -o jsonpath="* ]]; then
        if [ -f "$state/ns/$ns" ]; then printf '%s' "$(cat "$state/ns/$ns")"; else printf 'Active'; fi
      fi
      exit 0
      ;;
    service)
      svc="\${args[2]}"
      ns="\${args[4]}"
      if grep -qx "$ns/$svc" "$state/missing-services" 2>/dev/null; then
        echo "Error from server (NotFound): services \\"$svc\\" not found" >&2
        exit 1
      fi
      echo "$svc"
      exit 0
      ;;
  esac
  if [[ "$all" == *" -o name "* ]] && [ -f "$state/get/$res.names" ]; then cat "$state/get/$res.names"; exit 0; fi
  if [[ "$all" == *" -o json "* ]]; then
    if [ -f "$state/get/$res.json" ]; then cat "$state/get/$res.json"; else echo '{"items":[]}'; fi
  fi
  exit 0
fi
exit 0
`;

const sleep = `#!/usr/bin/env bash
echo "sleep $*" >> "$FAKE_LOG"
`;

export interface FakeCluster {
  bin: string;
  state: string;
  log: string;
  /** Environment for running a script against the fakes. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The calls recorded so far. */
  calls(): string[];
  /** Make `helm upgrade --install <release>` fail `times` times. */
  failInstall(release: string, times: number): void;
  helmStatus(release: string, status: string): void;
  failUninstallWithHooks(release: string): void;
  namespacePhase(ns: string, phase: string): void;
  missingService(ns: string, name: string): void;
  /** Answer for `kubectl get <resource> ... -o json` (or `.names` for `-o name`). */
  answer(resource: string, body: unknown, kind?: "json" | "names"): void;
  /** The mutating and validating webhook configurations (items need `kind`). */
  webhooks(items: unknown[]): void;
}

export function fakeCluster(root: string): FakeCluster {
  const bin = join(root, "bin");
  const state = join(root, "state");
  const log = join(root, "calls.log");
  for (const d of ["helm-fail", "helm-status", "helm-uninstall-fail", "ns", "get"]) mkdirSync(join(state, d), { recursive: true });
  writeExecutable(join(bin, "helm"), helm);
  writeExecutable(join(bin, "kubectl"), kubectl);
  writeExecutable(join(bin, "sleep"), sleep);
  writeFileSync(log, "");
  return {
    bin,
    state,
    log,
    env(extra = {}) {
      return {
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: root,
        FAKE_LOG: log,
        FAKE_STATE: state,
        AICR_DEPLOY_SLEEP: join(bin, "sleep"),
        ...extra,
      };
    },
    calls: () => readFileSync(log, "utf8").split("\n").filter((l) => l !== ""),
    failInstall: (release, times) => writeFileSync(join(state, "helm-fail", release), String(times)),
    helmStatus: (release, status) => writeFileSync(join(state, "helm-status", release), status),
    failUninstallWithHooks: (release) => writeFileSync(join(state, "helm-uninstall-fail", release), ""),
    namespacePhase: (ns, phase) => writeFileSync(join(state, "ns", ns), phase),
    missingService: (ns, name) => writeFileSync(join(state, "missing-services"), `${ns}/${name}\n`, { flag: "a" }),
    answer: (resource, body, kind = "json") =>
      writeFileSync(join(state, "get", `${resource}.${kind}`), kind === "json" ? JSON.stringify(body) : String(body)),
    webhooks: (items) =>
      writeFileSync(join(state, "get", "mutatingwebhookconfigurations,validatingwebhookconfigurations.json"), JSON.stringify({ kind: "List", items })),
  };
}
