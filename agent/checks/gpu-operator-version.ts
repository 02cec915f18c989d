/**
 * gpu-operator-version (deployment): the installed GPU Operator version (the operator Deployment's
 * image tag, else its app.kubernetes.io/version label) satisfies the deployment-phase constraint
 * `Deployment.gpu-operator.version` (e.g. `>= v24.6.0`). Skipped without a gpu-operator component
 * or without the constraint.
 */
import { parseExpression } from "../../core/constraints/expression.ts";
import { testExpression } from "../../core/constraints/evaluate.ts";
import type { Check } from "./context.ts";
import { phaseConstraint } from "./context.ts";
import { errorText, listAll, nameOf } from "./api.ts";
import { verdict } from "./findings.ts";
import { R } from "./kinds.ts";
import { COMPONENT, enabledRef, namespaceOf } from "./recipe.ts";

export const VERSION_CONSTRAINT = "Deployment.gpu-operator.version";

/** `nvcr.io/nvidia/gpu-operator:v24.9.0-ubi8` → `v24.9.0`; no tag (or a digest only) → undefined. */
export function versionFromImage(image: string): string | undefined {
  const at = image.indexOf("@");
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(":");
  if (colon < 0 || colon < ref.lastIndexOf("/")) return undefined;
  const tag = ref.slice(colon + 1).trim();
  const m = /^v?(\d+(?:\.\d+){0,2})/.exec(tag);
  return m ? `v${m[1]}` : undefined;
}

type Obj = Record<string, any>;

function operatorDeployment(list: Obj[]): Obj | undefined {
  return list.find((d) => d["metadata"]?.["labels"]?.["app"] === "gpu-operator") ?? list.find((d) => nameOf(d) === "gpu-operator");
}

function installedVersion(d: Obj): string | undefined {
  const containers = (d["spec"]?.["template"]?.["spec"]?.["containers"] ?? []) as Obj[];
  const main = containers.find((c) => c["name"] === "gpu-operator") ?? containers[0];
  const fromImage = main ? versionFromImage(String(main["image"] ?? "")) : undefined;
  if (fromImage) return fromImage;
  const label = d["metadata"]?.["labels"]?.["app.kubernetes.io/version"];
  return typeof label === "string" && label.trim() !== "" ? (label.startsWith("v") ? label : `v${label}`) : undefined;
}

const check: Check = async (ctx) => {
  const ref = enabledRef(ctx.recipe, COMPONENT.gpuOperator);
  if (!ref) return verdict("skipped", "the recipe has no gpu-operator component");
  const c = phaseConstraint(ctx, "deployment", VERSION_CONSTRAINT);
  if (!c) return verdict("skipped", `the recipe sets no ${VERSION_CONSTRAINT} constraint`);
  const ns = namespaceOf(ref, "gpu-operator");
  let list: Obj[];
  try {
    list = await listAll(ctx.client(), R.deployments, { namespace: ns });
  } catch (err) {
    return verdict("failed", `cannot list Deployments in ${ns}: ${errorText(err)}`, { constraint: c.name, expected: c.value });
  }
  const d = operatorDeployment(list);
  if (!d) return verdict("failed", `no GPU Operator Deployment in namespace ${ns}`, { constraint: c.name, expected: c.value, actual: "not installed" });
  const version = installedVersion(d);
  if (!version) return verdict("failed", `cannot tell the version of Deployment ${ns}/${nameOf(d)} (no version tag or label)`, { constraint: c.name, expected: c.value });
  ctx.log(`GPU Operator Deployment ${ns}/${nameOf(d)}: version ${version}`);
  let ok: boolean;
  try {
    ok = testExpression(parseExpression(c.value), version);
  } catch (err) {
    return verdict("failed", `cannot compare ${version} with "${c.value}": ${errorText(err)}`, { constraint: c.name, expected: c.value, actual: version });
  }
  return ok
    ? verdict("passed", `GPU Operator ${version} satisfies ${c.value}`, { constraint: c.name, expected: c.value, actual: version })
    : verdict("failed", `GPU Operator ${version} does not satisfy ${c.value}`, { constraint: c.name, expected: c.value, actual: version });
};

export default check;
