/** Lexing and parsing: literals, trim markers, comments, and syntax errors with their positions. */
import { describe, expect, test } from "bun:test";
import { parseTemplate } from "../../core/template/index.ts";
import { caught, render, renderError } from "./helpers.ts";

describe("text and literals", () => {
  test("text without actions is copied unchanged, lone braces included", () => {
    expect(render("plain } text }} { here\n")).toBe("plain } text }} { here\n");
    expect(render("")).toBe("");
  });

  test("number literals in Go syntax", () => {
    expect(render("{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 017 }} {{ -2 }} {{ +3 }} {{ 1.5 }} {{ 1e3 }} {{ .5 }}")).toBe(
      "31 15 5 1000 15 -2 3 1.5 1000 0.5",
    );
  });

  test("character constants are integers", () => {
    expect(render("{{ 'a' }} {{ '\\n' }} {{ '\\u00e9' }} {{ printf \"%c\" 'x' }}")).toBe("97 10 233 x");
  });

  test("interpreted strings decode Go escapes; raw strings keep everything, newlines included", () => {
    expect(render('{{ "a\\tb\\u00e9\\x41\\101\\"q\\"" }}')).toBe('a\tbéAA"q"');
    expect(render("{{ `raw \\n {{ not an action }}\nsecond line` }}")).toBe("raw \\n {{ not an action }}\nsecond line");
  });

  test("integers beyond 2^53 stay exact; beyond int64 they overflow", () => {
    expect(render("{{ 9223372036854775807 }} {{ add1 1 }}")).toBe("9223372036854775807 2");
    expect(renderError("{{ 9223372036854775808 }}")).toBe('template: t:1:4: executing "t" at <9223372036854775808>: 9223372036854775808 overflows int');
  });

  test("booleans and nil", () => {
    expect(render("{{ true }} {{ false }} {{ print nil }}")).toBe("true false <nil>");
  });
});

describe("trim markers", () => {
  test("{{- trims all whitespace before, -}} all whitespace after", () => {
    expect(render("a  \n\t {{- 1 -}} \n\n  b")).toBe("a1b");
    expect(render("a\n  {{- 1 }}\n  b")).toBe("a1\n  b");
    expect(render("a\n  {{ 1 -}}\n  b")).toBe("a\n  1b");
  });

  test("the marker needs whitespace next to it; otherwise the minus belongs to a number", () => {
    expect(render("a {{-3}} b")).toBe("a -3 b");
    expect(render("a {{- -3 -}} b")).toBe("a-3b");
  });

  test("a newline or tab also counts as the space of a trim marker", () => {
    expect(render("x {{-\n1\t-}} y")).toBe("x1y");
  });

  test("trimming stops at the neighbouring action", () => {
    expect(render("{{ 1 -}}   {{- 2 }}")).toBe("12");
    expect(render("[{{- /* c */ -}}]")).toBe("[]");
  });

  test("a YAML block keeps exactly the lines Go would keep", () => {
    const text = "spec:\n  {{- if .on }}\n  enabled: true\n  {{- end }}\n  name: x\n";
    expect(render(text, { on: true })).toBe("spec:\n  enabled: true\n  name: x\n");
    expect(render(text, { on: false })).toBe("spec:\n  name: x\n");
  });
});

describe("comments", () => {
  test("comments produce nothing, may span lines, and may trim", () => {
    expect(render("a{{/* one */}}b")).toBe("ab");
    expect(render("a {{- /* two\nlines */ -}} b")).toBe("ab");
    expect(render("a {{/* keep spaces */}} b")).toBe("a  b");
  });

  test("a comment must sit right against the delimiters", () => {
    expect(renderError("{{/* c */ 1 }}")).toBe("template: t:1:3: comment ends before closing delimiter");
    expect(renderError("x\n{{/* never closed }}")).toBe("template: t:2:3: unclosed comment");
  });
});

describe("syntax errors name the template, line and column", () => {
  test("a stray brace in an action", () => {
    expect(renderError("line1\n  {{ .x }")).toBe('template: t:2:9: unexpected "}" in operand');
  });

  test("calling an unknown function is a parse-time error naming it", () => {
    const err = caught(() => parseTemplate("ok\n{{ .a | foo 1 }}", "report"));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe('template: report:2:9: function "foo" not defined');
  });

  test("unknown functions are found even in branches that never run", () => {
    expect(renderError("{{ if false }}{{ nope }}{{ end }}")).toBe('template: t:1:18: function "nope" not defined');
  });

  test("undeclared variables, including ones declared in a closed block", () => {
    expect(renderError("{{ $x }}")).toBe('template: t:1:4: undefined variable "$x"');
    expect(renderError("{{ if 1 }}{{ $y := 1 }}{{ end }}{{ $y }}")).toBe('template: t:1:36: undefined variable "$y"');
  });

  test("unclosed actions, strings and parentheses", () => {
    expect(renderError("{{ .x")).toBe("template: t:1:6: unclosed action");
    expect(renderError('{{ "abc }}')).toBe("template: t:1:4: unterminated quoted string");
    expect(renderError("{{ `abc }}")).toBe("template: t:1:4: unterminated raw quoted string");
    expect(renderError("{{ (print 1 }}")).toBe("template: t:1:13: unclosed left paren");
    expect(renderError("{{ print 1) }}")).toBe("template: t:1:11: unexpected right paren");
  });

  test("control structures must be closed and well formed", () => {
    expect(renderError("{{ if .x }}a")).toBe("template: t:1:13: unexpected EOF");
    expect(renderError("a{{ end }}")).toBe("template: t:1:9: unexpected {{end}}");
    expect(renderError("{{ else }}")).toBe("template: t:1:9: unexpected {{else}}");
    expect(renderError("{{ range .x }}{{ else }}{{ else }}{{ end }}")).toBe("template: t:1:33: expected end; found {{else}}");
    expect(renderError("{{ if 1 }}{{ define \"x\" }}{{ end }}{{ end }}")).toBe("template: t:1:14: unexpected <define> in command");
  });

  test("break and continue only inside range", () => {
    expect(renderError("{{ break }}")).toBe("template: t:1:4: {{break}} outside {{range}}");
    expect(renderError("{{ if 1 }}{{ continue }}{{ end }}")).toBe("template: t:1:14: {{continue}} outside {{range}}");
  });

  test("empty and malformed pipelines", () => {
    expect(renderError("{{ }}")).toBe("template: t:1:4: missing value for command");
    expect(renderError("{{ if }}{{ end }}")).toBe("template: t:1:7: missing value for if");
    expect(renderError("{{ .x | 3 }}")).toBe("template: t:1:9: non executable command in pipeline stage 2");
    expect(renderError('{{ "a".b }}')).toBe('template: t:1:7: unexpected . after term "\\"a\\""');
  });

  test("bad characters and numbers", () => {
    expect(renderError("{{ .a@ }}")).toBe("template: t:1:4: bad character U+0040 '@'");
    expect(renderError("{{ 3x }}")).toBe('template: t:1:4: bad number syntax: "3x"');
    expect(renderError("{{ 1 ~ 2 }}")).toBe('template: t:1:6: unexpected "~" in operand');
    expect(renderError("{{ 2i }}")).toBe('template: t:1:4: complex numbers are not supported: "2i"');
  });

  test("a template may be defined only once per source", () => {
    expect(renderError('{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}')).toBe(
      'template: t:1:43: template: multiple definition of template "a"',
    );
  });

  test("positions count lines and characters across text and actions", () => {
    expect(renderError("first\nsecond é {{ .ok }}\n\n  third {{ missing }}")).toBe('template: t:4:12: function "missing" not defined');
  });
});
