/** Shared helpers of the template engine tests. */
import { AicrError } from "../../core/errors.ts";
import { renderTemplate, type ExecuteOptions, type TemplateOptions } from "../../core/template/index.ts";

/** A fixed clock: 2026-01-03T10:30:05.250Z (a Saturday). */
export const clock = () => new Date(Date.UTC(2026, 0, 3, 10, 30, 5, 250));

/** Render `text` as template "t" (Sprig functions unless told otherwise) with a fixed clock. */
export function render(text: string, data: unknown = {}, opts: TemplateOptions & ExecuteOptions = {}): string {
  return renderTemplate(text, data, "t", { now: clock, ...opts });
}

/** The structured error `fn` throws (fails the test when it does not throw one). */
export function caught(fn: () => unknown): AicrError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AicrError) return err;
    throw new Error(`expected an AicrError, got ${String(err)}`);
  }
  throw new Error("expected an error, got none");
}

/** The message of the error rendering `text` raises. */
export function renderError(text: string, data: unknown = {}, opts: TemplateOptions = {}): string {
  const err = caught(() => render(text, data, opts));
  expectInvalid(err);
  return err.message;
}

function expectInvalid(err: AicrError): void {
  if (err.code !== "INVALID_REQUEST") throw new Error(`expected INVALID_REQUEST, got ${err.code}: ${err.message}`);
}
