/**
 * Constraint syntax: measurement paths `{Type}.{Subtype}.{Key}` (the key keeps further dots) and
 * expressions `>=`, `<=`, `!=`, `==`, `>`, `<` or an exact value.
 */
import { invalid } from "../errors.ts";
import { measurementTypes, type MeasurementType } from "../schema/names.ts";

export interface MeasurementPath {
  type: MeasurementType;
  subtype: string;
  key: string;
}

export function parseMeasurementPath(name: string): MeasurementPath {
  if (name === "") throw invalid("constraint name is empty");
  const first = name.indexOf(".");
  const second = first < 0 ? -1 : name.indexOf(".", first + 1);
  if (first < 0 || second < 0) {
    throw invalid(`invalid constraint path "${name}": expected {Type}.{Subtype}.{Key}, e.g. K8s.server.version`);
  }
  const type = name.slice(0, first);
  if (!(measurementTypes as readonly string[]).includes(type)) {
    throw invalid(`invalid measurement type "${type}" in "${name}" (allowed: ${measurementTypes.join(", ")})`);
  }
  return { type: type as MeasurementType, subtype: name.slice(first + 1, second), key: name.slice(second + 1) };
}

export const operators = [">=", "<=", "!=", "==", ">", "<"] as const;
export type Operator = (typeof operators)[number] | "exact";

export interface Expression {
  op: Operator;
  operand: string;
}

export function parseExpression(raw: string): Expression {
  const s = raw.trim();
  if (s === "") throw invalid("constraint expression is empty");
  for (const op of operators) {
    if (s.startsWith(op)) {
      const operand = s.slice(op.length).trim();
      if (operand === "") throw invalid(`invalid expression "${raw}": value cannot be empty after operator ${op}`);
      return { op, operand };
    }
  }
  return { op: "exact", operand: s };
}
