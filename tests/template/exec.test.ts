/** Execution: fields, variables, control structures, templates, built-in functions and execution errors. */
import { describe, expect, test } from "bun:test";
import { def, goStruct, parseTemplate } from "../../core/template/index.ts";
import { caught, clock, render, renderError } from "./helpers.ts";

const values = {
  Values: { "gpu-operator": { driver: { version: "580.82.07", enabled: true }, replicas: 3, empty: "" } },
  Release: { Name: "gpu-operator", Namespace: "gpu-operator" },
  list: [1, 2, 3],
  nothing: null,
};

describe("fields and missing values", () => {
  test("field chains on maps, through index and on variables", () => {
    expect(render('{{ (index .Values "gpu-operator").driver.version }}', values)).toBe("580.82.07");
    expect(render('{{ $g := index .Values "gpu-operator" }}{{ $g.driver.version }}/{{ $g.replicas }}', values)).toBe("580.82.07/3");
    expect(render("{{ .Release.Namespace }}", values)).toBe("gpu-operator");
  });

  test("a missing key prints <no value>, also further down the chain", () => {
    expect(render("{{ .missing }}|{{ .Release.missing }}|{{ .missing.deeper.still }}", values)).toBe("<no value>|<no value>|<no value>");
  });

  test("a nil value prints <no value> too, but a field through it is an error", () => {
    expect(render("{{ .nothing }}", values)).toBe("<no value>");
    expect(renderError("ok\n{{ .nothing.field }}", values)).toBe(
      'template: t:2:4: executing "t" at <.nothing.field>: nil pointer evaluating interface {}.field',
    );
  });

  test("a missing value handed to a function is nil", () => {
    expect(render('{{ toString .missing }} {{ .missing | default "d" }} {{ print .missing }}', values)).toBe("<nil> d <nil>");
  });

  test("a map field cannot take arguments; a scalar has no fields", () => {
    expect(renderError("{{ .Release.Name 1 }}", values)).toBe(
      'template: t:1:4: executing "t" at <.Release.Name>: Name is not a method but has arguments',
    );
    expect(renderError("{{ .list.x }}", values)).toBe('template: t:1:4: executing "t" at <.list.x>: can\'t evaluate field x in type []interface {}');
  });

  test("values print as Go's %v", () => {
    expect(render("{{ .m }} {{ .l }} {{ .f }} {{ .b }} {{ .e }} {{ .n }}", { m: { b: 2, a: [1, "x"], c: null }, l: [], f: 2.5, b: false, e: {}, n: 12345678901234567890n })).toBe(
      "map[a:[1 x] b:2 c:<nil>] [] 2.5 false map[] 12345678901234567890",
    );
  });
});

describe("data objects (structs)", () => {
  class Node {
    Name = "gpu-1";
    Labels = { zone: "a" };
    secret = "hidden";
    Greet(who: string): string {
      return `hello ${who} from ${this.Name}`;
    }
    Count(): number {
      return 2;
    }
    Fail(): never {
      throw new Error("broken");
    }
  }

  test("capitalised fields and methods, with arguments or the piped value", () => {
    const n = new Node();
    expect(render('{{ .Name }} {{ .Labels.zone }} {{ .Count }} {{ .Greet "you" }} {{ "me" | .Greet }}', n)).toBe(
      "gpu-1 a 2 hello you from gpu-1 hello me from gpu-1",
    );
  });

  test("unexported and unknown fields are errors, as are failing methods", () => {
    const n = new Node();
    expect(renderError("{{ .secret }}", n)).toBe('template: t:1:4: executing "t" at <.secret>: secret is an unexported field of struct type Node');
    expect(renderError("{{ .Nope }}", n)).toBe('template: t:1:4: executing "t" at <.Nope>: can\'t evaluate field Nope in type Node');
    expect(renderError("{{ .Name 1 }}", n)).toBe('template: t:1:4: executing "t" at <.Name>: Name has arguments but cannot be invoked as function');
    expect(renderError("{{ .Fail }}", n)).toBe('template: t:1:4: executing "t" at <.Fail>: error calling Fail: broken');
  });

  test("goStruct builds a struct from a record; functions become methods", () => {
    const s = goStruct("pkg.Thing", { ID: 7, Double(this: { ID: number }) { return this.ID * 2; } });
    expect(render("{{ .ID }} {{ .Double }}", s)).toBe("7 14");
    expect(renderError("{{ .Missing }}", s)).toBe('template: t:1:4: executing "t" at <.Missing>: can\'t evaluate field Missing in type pkg.Thing');
  });

  test("a function in a map is a value: call invokes it", () => {
    expect(render("{{ call .add 2 3 }}", { add: (a: number, b: number) => a + b })).toBe("5");
    expect(renderError("{{ call .x }}", { x: 1 })).toBe('template: t:1:4: executing "t" at <call .x>: error calling call: non-function of type int');
    expect(renderError("{{ .add }}", { add: () => 1 })).toBe('template: t:1:4: executing "t" at <{{.add}}>: can\'t print {{.add}} of type func');
  });

  test("times have Go's methods", () => {
    expect(render('{{ now.Year }} {{ now.Unix }} {{ now.Format "Mon Jan 2 15:04:05 MST 2006" }} {{ now }}')).toBe(
      "2026 1767436205 Sat Jan 3 10:30:05 UTC 2026 2026-01-03 10:30:05.25 +0000 UTC",
    );
  });
});

describe("variables", () => {
  test("declare with :=, assign with =, $ is the root", () => {
    expect(render("{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}{{ range .list }}{{ $.Release.Name }}{{ end }}", values)).toBe(
      "12gpu-operatorgpu-operatorgpu-operator",
    );
  });

  test("assignment inside a block changes the outer variable; a declaration shadows it", () => {
    expect(render("{{ $x := 0 }}{{ range .list }}{{ $x = . }}{{ end }}{{ $x }}", values)).toBe("3");
    expect(render("{{ $x := 0 }}{{ if 1 }}{{ $x := 5 }}{{ $x }}{{ end }}{{ $x }}", values)).toBe("50");
  });

  test("a declaration prints nothing", () => {
    expect(render("a{{ $x := 42 }}b")).toBe("ab");
  });
});

describe("if, with, range", () => {
  test("if / else if / else follows Go truthiness", () => {
    const t = "{{ if .a }}a{{ else if .b }}b{{ else }}none{{ end }}";
    expect(render(t, { a: 1 })).toBe("a");
    expect(render(t, { a: 0, b: "x" })).toBe("b");
    for (const falsy of [0, "", false, null, [], {}, undefined]) expect(render(t, { a: falsy, b: falsy })).toBe("none");
    for (const truthy of [1, -1, 0.5, "0", "false", true, [0], { k: null }]) expect(render(t, { a: truthy })).toBe("a");
  });

  test("with sets dot; else and else with", () => {
    const t = "{{ with .a }}[{{ . }}]{{ else with .b }}({{ . }}){{ else }}none{{ end }}";
    expect(render(t, { a: "x" })).toBe("[x]");
    expect(render(t, { b: "y" })).toBe("(y)");
    expect(render(t, {})).toBe("none");
  });

  test("range over lists with index and element", () => {
    expect(render("{{ range $i, $e := .l }}{{ $i }}:{{ $e }} {{ end }}", { l: ["a", "b"] })).toBe("0:a 1:b ");
    expect(render("{{ range $e := .l }}{{ $e }}{{ end }}", { l: ["a", "b"] })).toBe("ab");
    expect(render("{{ range .l }}{{ . }}{{ end }}", { l: [[1, 2], "x"] })).toBe("[1 2]x");
  });

  test("range over a map walks keys in sorted (byte) order", () => {
    const m = { b: 1, a: 2, B: 3, "10": 4, "9": 5, "_": 6 };
    expect(render("{{ range $k, $v := . }}{{ $k }}={{ $v }} {{ end }}", m)).toBe("10=4 9=5 B=3 _=6 a=2 b=1 ");
  });

  test("range over an integer counts from 0", () => {
    expect(render("{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}|{{ range 0 }}x{{ else }}none{{ end }}")).toBe("012|01|none");
  });

  test("empty or missing collections run the else branch", () => {
    const t = "{{ range .l }}x{{ else }}empty{{ end }}";
    expect(render(t, { l: [] })).toBe("empty");
    expect(render(t, { l: {} })).toBe("empty");
    expect(render(t, {})).toBe("empty");
    expect(render(t, { l: null })).toBe("empty");
  });

  test("break and continue", () => {
    expect(render("{{ range .l }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}", { l: [1, 2, 3, 4, 5] })).toBe("13");
  });

  test("range assigning to existing variables", () => {
    expect(render("{{ $i := 0 }}{{ $e := 0 }}{{ range $i, $e = .l }}{{ end }}{{ $i }}-{{ $e }}", { l: ["a", "b"] })).toBe("1-b");
  });

  test("variables declared in a range body are fresh on every iteration", () => {
    expect(render("{{ range .l }}{{ $x := . }}{{ $x }}{{ end }}", { l: [1, 2] })).toBe("12");
  });

  test("ranging over a scalar is an error", () => {
    expect(renderError("{{ range .s }}{{ end }}", { s: "abc" })).toBe('template: t:1:4: executing "t" at <{{range .s}}{{end}}>: range can\'t iterate over abc');
  });
});

describe("define, template, block", () => {
  test("templates receive their own dot and $", () => {
    const text = '{{ define "item" }}<{{ .name }}|{{ $.name }}>{{ end }}{{ range .items }}{{ template "item" . }}{{ end }}';
    expect(render(text, { items: [{ name: "a" }, { name: "b" }] })).toBe("<a|a><b|b>");
  });

  test("a template called without a pipeline gets no data", () => {
    expect(render('{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" }}', { a: 1 })).toBe("[<no value>]");
  });

  test("block defines and runs its body; a later definition replaces it", () => {
    const t = parseTemplate('<{{ block "content" . }}default {{ .v }}{{ end }}>', "page");
    expect(t.execute({ v: 1 })).toBe("<default 1>");
    t.parse('{{ define "content" }}custom {{ .v }}{{ end }}', "override");
    expect(t.execute({ v: 2 })).toBe("<custom 2>");
    expect(t.templates().sort()).toEqual(["content", "override", "page"]);
  });

  test("recursive templates", () => {
    const text = '{{ define "tree" }}{{ .n }}{{ if .kids }}({{ range .kids }}{{ template "tree" . }}{{ end }}){{ end }}{{ end }}{{ template "tree" . }}';
    expect(render(text, { n: "a", kids: [{ n: "b" }, { n: "c", kids: [{ n: "d" }] }] })).toBe("a(bc(d))");
  });

  test("an unknown template is an execution error; an error inside a template names it", () => {
    expect(renderError('{{ template "nope" }}')).toBe('template: t:1:4: executing "t" at <{{template "nope"}}>: template "nope" not defined');
    expect(renderError('{{ define "inner" }}\n{{ .x.y }}{{ end }}{{ template "inner" . }}', { x: null })).toBe(
      'template: t:2:4: executing "inner" at <.x.y>: nil pointer evaluating interface {}.y',
    );
  });

  test("runaway recursion stops with an error instead of exhausting the stack", () => {
    expect(renderError('{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" . }}')).toBe(
      'template: t:1:23: executing "loop" at <{{template "loop" .}}>: exceeded maximum template depth (200)',
    );
    expect(renderError('{{ define "loop" }}{{ include "loop" . }}{{ end }}{{ include "loop" . }}')).toMatch(/exceeded maximum template depth \(200\)$/);
  });

  test("executeTemplate runs a defined template directly", () => {
    const t = parseTemplate('{{ define "greet" }}hi {{ . }}{{ end }}main', "m");
    expect(t.executeTemplate("greet", "there")).toBe("hi there");
  });
});

describe("pipelines", () => {
  test("the piped value is the last argument", () => {
    expect(render('{{ "a" | printf "%s-%s" "b" }}')).toBe("b-a");
    expect(render('{{ .v | default "x" | upper }}', {})).toBe("X");
  });

  test("parenthesised pipelines and fields of their results", () => {
    expect(render('{{ (printf "%s-%s" "a" "b") | upper }}')).toBe("A-B");
    expect(render('{{ (dict "k" (dict "n" 5)).k.n }}')).toBe("5");
    expect(render("{{ ($x := 3) }}{{ $x }}")).toBe("33");
  });

  test("constants and dot cannot take arguments", () => {
    expect(renderError("{{ 1 2 }}")).toBe('template: t:1:4: executing "t" at <1>: can\'t give argument to non-function 1');
    expect(renderError("{{ nil }}")).toBe('template: t:1:4: executing "t" at <nil>: nil is not a command');
    expect(renderError('{{ "x" | .f }}', { f: 1 })).toBe('template: t:1:10: executing "t" at <.f>: f is not a method but has arguments');
  });
});

describe("built-in functions", () => {
  test("and / or return the deciding argument and stop there", () => {
    expect(render('{{ and 1 "x" }} {{ and 0 "x" }} {{ or "" 0 }} {{ or "" "b" "c" }} {{ and .a .missing }}', { a: 1 })).toBe("x 0 0 b <no value>");
    expect(render('{{ or 1 (fail "never") }} {{ and 0 (fail "never") }} {{ and .x .x.y.z }}', {})).toBe("1 0 <no value>");
    expect(render("{{ if and .a .a.b }}yes{{ else }}no{{ end }}", { a: null })).toBe("no");
  });

  test("not", () => {
    expect(render("{{ not 0 }} {{ not 1 }} {{ not .missing }} {{ not .l }}", { l: [1] })).toBe("true false true false");
  });

  test("eq takes several arguments; comparisons of basic kinds", () => {
    expect(render('{{ eq 1 2 3 1 }} {{ eq "a" "b" }} {{ ne 1 2 }} {{ eq .missing "x" }} {{ eq .missing nil }}')).toBe("true false true false true");
    expect(render('{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2 }} {{ lt "Z" "a" }}')).toBe("true true true false true");
  });

  test("comparisons of different kinds are errors", () => {
    expect(renderError('{{ eq 1 "1" }}')).toBe('template: t:1:4: executing "t" at <eq 1 "1">: error calling eq: incompatible types for comparison');
    expect(renderError("{{ lt true false }}")).toBe('template: t:1:4: executing "t" at <lt true false>: error calling lt: invalid type for comparison');
    expect(renderError("{{ eq .l .l }}", { l: [1] })).toBe('template: t:1:4: executing "t" at <eq .l .l>: error calling eq: non-comparable type [1]: []interface {}');
    expect(renderError("{{ eq 1 }}")).toBe('template: t:1:4: executing "t" at <eq 1>: error calling eq: missing argument for comparison');
  });

  test("len counts string bytes, list elements and map keys", () => {
    expect(render('{{ len "héllo" }} {{ len .l }} {{ len .m }}', { l: [1, 2], m: { a: 1 } })).toBe("6 2 1");
    expect(renderError("{{ len 3 }}")).toBe('template: t:1:4: executing "t" at <len 3>: error calling len: len of type int');
  });

  test("index into maps and lists, nested; a missing key gives no value", () => {
    const data = { m: { a: [{ b: "deep" }] }, l: [10, 20] };
    expect(render('{{ index .m "a" 0 "b" }} {{ index .l 1 }} {{ index .m "zz" }} {{ index "abc" 1 }}', data)).toBe("deep 20 <no value> 98");
    expect(renderError("{{ index .l 5 }}", data)).toBe('template: t:1:4: executing "t" at <index .l 5>: error calling index: index out of range: 5');
    expect(renderError('{{ index .l "x" }}', data)).toBe(
      'template: t:1:4: executing "t" at <index .l "x">: error calling index: cannot index slice/array with type string',
    );
    expect(renderError("{{ index .m 1 }}", data)).toBe('template: t:1:4: executing "t" at <index .m 1>: error calling index: value has type int; should be string');
  });

  test("slice", () => {
    expect(render('{{ slice "hello" 1 3 }} {{ slice .l 1 }} {{ slice .l }} {{ slice .l 0 1 }}', { l: [1, 2, 3] })).toBe("el [2 3] [1 2 3] [1]");
    expect(renderError('{{ slice "abc" 2 1 }}')).toBe('template: t:1:4: executing "t" at <slice "abc" 2 1>: error calling slice: invalid slice index: 2 > 1');
  });

  test("print, println, printf", () => {
    expect(render('{{ print "a" 1 2 "b" "c" 3 }}|{{ println "a" 1 }}|{{ printf "%d-%s" 5 "x" }}')).toBe("a1 2bc3|a 1\n|5-x");
  });

  test("html, js and urlquery escape their text", () => {
    expect(render(`{{ html "<a href='x'>&\\"" }}`)).toBe("&lt;a href=&#39;x&#39;&gt;&amp;&#34;");
    expect(render(`{{ js "it's <b>\\"x\\" = 1\\n" }}`)).toBe("it\\'s \\u003Cb\\u003E\\\"x\\\" \\u003D 1\\u000A");
    expect(render('{{ urlquery "a b&c=d/é" }} {{ urlquery "x" 1 }}')).toBe("a+b%26c%3Dd%2F%C3%A9 x1");
  });

  test("argument counts and types are checked", () => {
    expect(renderError('{{ upper "a" "b" }}')).toBe('template: t:1:4: executing "t" at <upper>: wrong number of args for upper: want 1 got 2');
    expect(renderError("{{ upper 3 }}")).toBe('template: t:1:10: executing "t" at <3>: expected string; found 3');
    expect(renderError("{{ upper .n }}", { n: 3 })).toBe('template: t:1:10: executing "t" at <.n>: wrong type for value; expected string; got int');
    // As in Go, a bad piped-in value is reported at the function it is handed to.
    expect(renderError("{{ .n | upper }}", {})).toBe('template: t:1:9: executing "t" at <upper>: invalid value; expected string');
  });
});

describe("functions supplied by the caller", () => {
  test("plain functions and typed definitions extend the map; a name may replace a built-in one", () => {
    const functions = {
      greet: (name: unknown) => `hi ${String(name)}`,
      twice: def(["int"], (n: number) => n * 2),
      upper: def(["string"], (s: string) => `UP(${s})`),
    };
    expect(render('{{ greet "bob" }} {{ twice 21 }} {{ "x" | upper }}', {}, { functions })).toBe("hi bob 42 UP(x)");
    expect(renderError("{{ twice 1.5 }}", {}, { functions })).toBe('template: t:1:10: executing "t" at <1.5>: expected integer; found 1.5');
  });

  test("the function map decides what parses: the manifest map has no Sprig", () => {
    expect(renderError('{{ upper "x" }}', {}, { base: "manifest" })).toBe('template: t:1:4: function "upper" not defined');
    expect(renderError('{{ toYaml . }}', {}, { base: "builtin" })).toBe('template: t:1:4: function "toYaml" not defined');
  });

  test("a thrown error becomes an execution error naming the function and the action", () => {
    const err = caught(() => render("x\n  {{ boom 1 }}", {}, { functions: { boom: () => { throw new Error("kaput"); } } }));
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe('template: t:2:6: executing "t" at <boom 1>: error calling boom: kaput');
  });

  test("the clock is injectable", () => {
    expect(render('{{ now | date "2006-01-02T15:04:05.000Z07:00" }}', {}, { now: clock })).toBe("2026-01-03T10:30:05.250Z");
  });
});
