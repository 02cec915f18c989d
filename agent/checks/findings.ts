/**
 * What a check found, item by item, and the verdict they add up to: any failure fails the check;
 * otherwise anything verified passes it; a check where every item was skipped is skipped. Every item
 * is printed as it is found (the evidence that ends up in the report's stdout).
 */
import type { CheckResult } from "../../core/validate/live/check-result.ts";

export type Verdict = Omit<CheckResult, "check" | "status"> & { status: "passed" | "failed" | "skipped" };

export interface Finding {
  kind: "pass" | "fail" | "skip";
  text: string;
}

const mark: Record<Finding["kind"], string> = { pass: "ok  ", fail: "FAIL", skip: "skip" };

export class Findings {
  readonly items: Finding[] = [];

  constructor(private readonly print: (line: string) => void) {}

  private add(kind: Finding["kind"], text: string): void {
    this.items.push({ kind, text });
    this.print(`  ${mark[kind]}  ${text}`);
  }

  pass(text: string): void {
    this.add("pass", text);
  }

  fail(text: string): void {
    this.add("fail", text);
  }

  skip(text: string): void {
    this.add("skip", text);
  }

  of(kind: Finding["kind"]): string[] {
    return this.items.filter((f) => f.kind === kind).map((f) => f.text);
  }

  /** The verdict; `passed` is the message of a pass (default: how many items were verified). */
  verdict(passed?: string): Verdict {
    const fails = this.of("fail");
    const passes = this.of("pass");
    const skips = this.of("skip");
    if (fails.length > 0) {
      const message = fails.length === 1 ? fails[0]! : `${fails.length} problems: ${fails[0]}; ...`;
      return { status: "failed", message, details: [...fails, ...skips.map((s) => `skipped: ${s}`)] };
    }
    if (passes.length > 0) {
      const note = skips.length > 0 ? ` (${skips.length} not applicable: ${skips.join("; ")})` : "";
      return { status: "passed", message: `${passed ?? `${passes.length} verified`}${note}`, details: [...passes, ...skips.map((s) => `skipped: ${s}`)] };
    }
    return { status: "skipped", message: skips.join("; ") || "nothing to check", details: skips };
  }
}

/** A verdict of a check that has one thing to say. */
export const verdict = (status: Verdict["status"], message: string, extra: Partial<Verdict> = {}): Verdict => ({ ...extra, status, message });
