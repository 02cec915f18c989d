/** The Sprig (and Helm) functions of the default function map. */
import { describe, expect, test } from "bun:test";
import { render, renderError } from "./helpers.ts";

/** Each case: template, expected output (data: `.` below). */
type Cases = [string, string][];
const data = { s: "hello", n: 3, l: [3, 1, 2], m: { b: 2, a: 1 }, nothing: null };
const check = (cases: Cases) => {
  for (const [text, want] of cases) expect(render(text, data)).toBe(want);
};

describe("strings", () => {
  test("case, trimming and replacing", () => {
    check([
      ['{{ upper "abc" }} {{ lower "ABC" }} {{ title "hello world-foo bar_baz" }} {{ untitle "Hello World" }}', "ABC abc Hello World-Foo Bar_baz hello world"],
      ['[{{ trim "  x \\n" }}] {{ trimAll "$" "$5.00$" }} {{ trimPrefix "-" "-x-" }} {{ trimSuffix "-" "-x-" }}', "[x] 5.00 x- -x"],
      ['{{ replace " " "-" "a b c" }} {{ "a.b" | replace "." "/" }} {{ nospace " a b\\tc " }}', "a-b-c a/b abc"],
    ]);
  });

  test("tests on strings", () => {
    check([['{{ contains "cat" "catch" }} {{ hasPrefix "cat" "catch" }} {{ hasSuffix "ch" "catch" }} {{ "catch" | hasPrefix "dog" }}', "true true true false"]]);
  });

  test("split, splitList, splitn, join", () => {
    check([
      ['{{ split "$" "foo$bar$baz" }} {{ (split "$" "foo$bar")._1 }}', "map[_0:foo _1:bar _2:baz] bar"],
      ['{{ splitList "," "a,b,,c" }} {{ len (splitList "" "héé") }} {{ splitn "," 2 "a,b,c" }}', "[a b  c] 3 map[_0:a _1:b,c]"],
      ['{{ join "," (list 1 "a" nil 2) }} {{ join "-" "single" }} {{ .l | join "+" }}', "1,a,2 single 3+1+2"],
    ]);
  });

  test("quoting", () => {
    check([[`{{ quote "a" 1 nil "say \\"hi\\"" }} {{ squote "a" 2 }} {{ .s | quote }}`, `"a" "1" "say \\"hi\\"" 'a' '2' "hello"`]]);
  });

  test("indent and nindent indent every line, empty ones too", () => {
    expect(render('{{ indent 2 "a\\n\\nb" }}|{{ nindent 4 "x\\ny" }}')).toBe("  a\n  \n  b|\n    x\n    y");
  });

  test("repeat, substr, trunc, abbrev, cat, plural", () => {
    check([
      ['{{ repeat 3 "ab" }} {{ substr 1 3 "hello" }} {{ substr -1 2 "hello" }} {{ substr 2 99 "hello" }}', "ababab el he llo"],
      ['{{ trunc 3 "hello" }} {{ trunc -2 "hello" }} {{ trunc 10 "hi" }} {{ abbrev 5 "hello world" }}', "hel lo hi he..."],
      ['{{ cat "a" nil 1 (list 2) }} {{ plural "one" "many" 1 }} {{ plural "one" "many" .n }}', "a 1 [2] one many"],
    ]);
  });

  test("toString and toStrings", () => {
    check([['{{ toString 1.5 }} {{ toString .l }} {{ toString .nothing }} {{ toStrings (list 1 "a") | join "|" }}', "1.5 [3 1 2] <nil> 1|a"]]);
  });
});

describe("lists", () => {
  test("building and taking apart", () => {
    check([
      ['{{ list 1 "a" }} {{ first .l }} {{ last .l }} {{ rest .l }} {{ initial .l }}', "[1 a] 3 2 [1 2] [3 1]"],
      ["{{ append .l 4 }} {{ prepend .l 0 }} {{ concat .l (list 9) (list) }} {{ reverse .l }} {{ .l }}", "[3 1 2 4] [0 3 1 2] [3 1 2 9] [2 1 3] [3 1 2]"],
      ["{{ first (list) }} {{ until 3 }} {{ until -2 }}", "<no value> [0 1 2] [0 -1]"],
    ]);
  });

  test("uniq, has, without, compact, sortAlpha", () => {
    check([
      ['{{ uniq (list 1 1 "a" "a" 2 (list 1) (list 1)) }} {{ has 1 .l }} {{ has "x" nil }} {{ .l | has 5 }}', "[1 a 2 [1]] true false false"],
      ['{{ without .l 1 3 }} {{ compact (list 1 "" 0 nil "x" false) }} {{ sortAlpha (list "b" "a" "C" 10) }}', "[2] [1 x] [10 C a b]"],
    ]);
  });

  test("list functions reject non-lists", () => {
    expect(renderError("{{ first 1 }}")).toBe('template: t:1:4: executing "t" at <first 1>: error calling first: Cannot find first on type int');
  });
});

describe("dictionaries", () => {
  test("dict, get, set, unset, hasKey", () => {
    check([
      ['{{ dict "b" 2 "a" 1 }} {{ dict "x" }} {{ get .m "a" }} [{{ get .m "z" }}] {{ hasKey .m "b" }} {{ hasKey .m "z" }}', "map[a:1 b:2] map[x:] 1 [] true false"],
      ['{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }} {{ unset $d "a" }} {{ $d }}', "map[a:1 b:2] map[b:2] map[b:2]"],
    ]);
  });

  test("keys and values in sorted key order, pluck, pick, omit, dig", () => {
    check([
      ['{{ keys .m }} {{ keys .m (dict "c" 1) }} {{ values .m }} {{ pluck "a" .m (dict "a" 9) (dict) }}', "[a b] [a b c] [1 2] [1 9]"],
      ['{{ pick .m "a" "zz" }} {{ omit .m "a" }} {{ dig "x" "y" "def" (dict "x" (dict "y" "found")) }} {{ dig "x" "q" "def" (dict "x" (dict)) }}', "map[a:1] map[b:2] found def"],
    ]);
  });

  test("merge keeps the destination's values; mergeOverwrite lets later ones win; nested maps merge", () => {
    const dst = '(dict "a" 1 "e" "" "n" (dict "x" 1))';
    const src = '(dict "a" 2 "b" 3 "e" "filled" "n" (dict "x" 2 "y" 3))';
    expect(render(`{{ merge ${dst} ${src} }}`)).toBe("map[a:1 b:3 e:filled n:map[x:1 y:3]]");
    expect(render(`{{ mergeOverwrite ${dst} ${src} }}`)).toBe("map[a:2 b:3 e:filled n:map[x:2 y:3]]");
  });

  test("dictionary arguments must be maps", () => {
    expect(renderError('{{ get .l "a" }}', data)).toBe('template: t:1:8: executing "t" at <.l>: wrong type for value; expected map[string]interface {}; got []interface {}');
  });
});

describe("math", () => {
  test("integer functions convert their operands like cast.ToInt64", () => {
    check([
      ['{{ add 1 2 "3" }} {{ add1 5 }} {{ sub 5 7 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ div -7 2 }} {{ mod 7 3 }}', "6 6 -2 24 3 -3 1"],
      ['{{ max 1 5 3 }} {{ min 4 2 9 }} {{ int "42" }} {{ int 3.9 }} {{ int64 "0x10" }} {{ int "abc" }} {{ int "12.0" }} {{ int true }}', "5 2 42 3 16 0 12 1"],
      ['{{ float64 "1.5" }} {{ atoi "12" }} {{ atoi "x" }} {{ add 0.7 0.7 }}', "1.5 12 0 0"],
    ]);
  });

  test("float functions", () => {
    check([['{{ addf 1.5 2 }} {{ subf 5 1.5 }} {{ mulf 1.5 2 }} {{ divf 1 4 }} {{ floor 1.7 }} {{ ceil 1.2 }} {{ round 3.14159 2 }}', "3.5 3.5 3 0.25 1 2 3.14"]]);
  });

  test("integer division by zero is an error", () => {
    expect(renderError("{{ div 1 0 }}")).toBe('template: t:1:4: executing "t" at <div 1 0>: error calling div: runtime error: integer divide by zero');
  });
});

describe("defaults and flow", () => {
  test("default treats every empty value as missing", () => {
    check([
      ['{{ default "d" "" }} {{ default "d" 0 }} {{ default "d" false }} {{ default "d" (list) }} {{ default "d" "x" }} {{ .zz | default "d" }} {{ .n | default 9 }}', "d d d d x d 3"],
    ]);
  });

  test("empty, coalesce, ternary, all, any", () => {
    check([
      ['{{ empty "" }} {{ empty 0 }} {{ empty (dict) }} {{ empty .zz }} {{ empty "x" }} {{ empty .l }}', "true true true true false false"],
      ['{{ coalesce "" 0 "x" "y" }} {{ coalesce "" nil }} {{ ternary "y" "n" true }} {{ .n | eq 3 | ternary "three" "other" }}', "x <no value> y three"],
      ['{{ all 1 "a" }} {{ all 1 "" }} {{ any 0 "" "x" }} {{ any 0 "" }}', "true false true false"],
    ]);
  });

  test("fail and required stop with their message", () => {
    expect(renderError('{{ fail "boom" }}')).toBe('template: t:1:4: executing "t" at <fail "boom">: error calling fail: boom');
    expect(renderError('{{ required "x is required" .x }}')).toBe('template: t:1:4: executing "t" at <required "x is required" .x>: error calling required: x is required');
    expect(render('{{ required "m" .n }} {{ .s | required "s" }}', data)).toBe("3 hello");
  });

  test("type inspection", () => {
    check([
      ['{{ kindOf 1 }} {{ kindOf 1.5 }} {{ kindOf "x" }} {{ kindOf .l }} {{ kindOf .m }} {{ kindOf true }} {{ kindOf .zz }}', "int float64 string slice map bool invalid"],
      ['{{ kindIs "int" 1 }} {{ typeOf .l }} {{ typeIs "string" "x" }} {{ deepEqual (list 1 (dict "a" 2)) (list 1 (dict "a" 2)) }}', "true []interface {} true true"],
    ]);
  });
});

describe("encodings", () => {
  test("base64 and hashes", () => {
    check([
      ['{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }} {{ b64enc "é" | b64dec }} {{ b64dec "!!" }}', "aGVsbG8= hello é illegal base64 data at input byte 0"],
      ['{{ sha256sum "hello" }} {{ sha1sum "hello" }}', "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
    ]);
  });

  test("JSON the way encoding/json writes it", () => {
    check([
      ['{{ toJson (dict "b" (list 1 "<x>" nil) "a" 1.5 "c" true) }}', '{"a":1.5,"b":[1,"\\u003cx\\u003e",null],"c":true}'],
      ['{{ toRawJson (dict "a" "<x>") }} {{ toJson .zz }} {{ toJson "s" }}', '{"a":"<x>"} null "s"'],
      // Keys in byte order, integer-like ones included (JavaScript objects would list those first).
      ['{{ toJson (dict "b" 1 "10" 2 "9" 3 "a" 4) }} {{ toJson (dict "f" 0.5 "big" 1234567890123456789 "nl" "a\\nb") }}', '{"10":2,"9":3,"a":4,"b":1} {"big":1234567890123456789,"f":0.5,"nl":"a\\nb"}'],
      ['{{ (fromJson "{\\"a\\": [1, 2]}").a }} {{ fromJson "not json" }} {{ index (fromJson "[5]") 0 }}', "[1 2] <no value> 5"],
    ]);
    expect(render('{{ toPrettyJson (dict "a" 1 "b" (list) "c" (list 1 2)) }}')).toBe('{\n  "a": 1,\n  "b": [],\n  "c": [\n    1,\n    2\n  ]\n}');
  });

  test("toYaml: yaml.v3 with 4-space indentation, natural key order, no trailing newline", () => {
    expect(render('{{ toYaml (dict "a" (dict "b" (list 1 (dict "e" "f" "c" "d")))) }}')).toBe("a:\n    b:\n        - 1\n        - c: d\n          e: f");
    expect(render('{{ toYaml (dict "v" "1.10" "t" "true" "s" "a: b" "n" nil) }}')).toBe("\"n\": null\ns: 'a: b'\nt: \"true\"\nv: \"1.10\"");
    expect(render('{{ toYaml (dict "a10" 1 "a9" 2 "B" 3) }}')).toBe("B: 3\na9: 2\na10: 1");
    expect(render('{{ toYaml "multi\\nline" }}|{{ toYaml nil }}|{{ toYaml (list) }}|{{ toYaml (dict) }}|{{ toYaml 1.5 }}')).toBe("|-\n    multi\n    line|null|[]|{}|1.5");
  });

  test("fromYaml and fromYamlArray", () => {
    check([
      ['{{ (fromYaml "a: 1\\nb: [x, y]").b }} {{ fromYaml "" }} {{ (fromYaml "- a").Error }}', "[x y] map[] error unmarshaling JSON: json: cannot unmarshal non-object into map[string]interface {}"],
      ['{{ fromYamlArray "- 1\\n- two" }} {{ hasKey (fromYaml "a: [") "Error" }}', "[1 two] true"],
    ]);
  });
});

describe("dates", () => {
  test("now, date, dateInZone, htmlDate, unixEpoch with the injected clock", () => {
    check([
      ['{{ now | date "2006-01-02" }} {{ date "15:04:05" 0 }} {{ htmlDate now }} {{ unixEpoch now }}', "2026-01-03 00:00:00 2026-01-03 1767436205"],
      ['{{ dateInZone "2006-01-02 15:04 MST" now "UTC" }} {{ date "Jan _2 3:04PM .000 Z07:00" now }}', "2026-01-03 10:30 UTC Jan  3 10:30AM .250 Z"],
      ['{{ date "Monday, January 2 06 (002) .999999999 -0700" now }} {{ date "2006" "not a time" }}', "Saturday, January 3 26 (003) .25 +0000 2026"],
    ]);
  });
});

describe("regular expressions", () => {
  test("match, find, replace, split in Go's syntax", () => {
    check([
      ['{{ regexMatch "^[a-z]+$" "abc" }} {{ regexMatch "(?i)^gpu$" "GPU" }} {{ regexMatch "(" "x" }} {{ regexMatch "^[[:digit:]]+\\\\z" "123" }}', "true true false true"],
      ['{{ regexFind "[0-9]+" "abc123def456" }} {{ regexFindAll "[0-9]+" "a1b22c333" -1 }} {{ regexFindAll "[0-9]+" "a1b22c333" 2 }}', "123 [1 22 333] [1 22]"],
      ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }} {{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', "-W-xxW- --- -${1}-${1}-"],
      ['{{ regexReplaceAll "v(?P<n>\\\\d+)" "v12" "n=${n} $$" }} {{ regexSplit "z+" "pizza" -1 }} {{ regexSplit "a" "banana" -1 }}', "n=12 $ [pi a] [b n n ]"],
    ]);
  });

  test("an invalid expression is an error where Sprig panics", () => {
    expect(renderError('{{ regexReplaceAll "(" "x" "y" }}')).toMatch(/^template: t:1:4: executing "t" at <regexReplaceAll "\(" "x" "y">: error calling regexReplaceAll: error parsing regexp: /);
  });
});

describe("semverCompare", () => {
  test("Masterminds constraints: commas and spaces are AND, || is OR", () => {
    check([
      ['{{ semverCompare ">=1.30" "v1.30.4" }} {{ semverCompare ">= 1.28, < 1.30" "1.29.1" }} {{ semverCompare "<1.28 || >=2" "2.1" }}', "true true true"],
      ['{{ semverCompare "^1.2" "1.3.0" }} {{ semverCompare "~1.2" "1.3.0" }} {{ semverCompare "1.2.x" "1.2.9" }}', "true false true"],
      ['{{ semverCompare ">=1.30" "v1.30.4-eks-a737599" }} {{ semverCompare ">=1.30-0" "v1.30.4-eks-a737599" }}', "false true"],
    ]);
  });

  test("a malformed version is an error", () => {
    expect(renderError('{{ semverCompare ">=1" "abc" }}')).toBe('template: t:1:4: executing "t" at <semverCompare ">=1" "abc">: error calling semverCompare: Invalid Semantic Version');
  });
});

describe("the remaining helpers", () => {
  test("must- variants fail where the plain ones give a fallback", () => {
    expect(renderError('{{ mustFromJson "nope" }}')).toMatch(/^template: t:1:4: executing "t" at <mustFromJson "nope">: error calling mustFromJson: malformed JSON in json(:\d+:\d+)?: /);
    expect(renderError('{{ mustRegexMatch "(" "x" }}')).toMatch(/error calling mustRegexMatch: error parsing regexp: /);
    expect(render('{{ mustToJson (list 1) }} {{ mustRegexMatch "^a" "abc" }}')).toBe("[1] true");
  });

  test("push, deepCopy, add1f, maxf, minf, regexQuoteMeta, semver", () => {
    check([
      ['{{ push .l 9 }} {{ $c := deepCopy .m }}{{ $_ := set $c "a" 5 }}{{ .m.a }}/{{ $c.a }} {{ add1f 1.5 }} {{ maxf 1 2.5 }} {{ minf 1 -2.5 }}', "[3 1 2 9] 1/5 2.5 2.5 -2.5"],
      ['{{ regexQuoteMeta "1.2+[x]" }} {{ (semver "v1.30.4-eks-1").Minor }} {{ (semver "1.2").Patch }}', "1\\.2\\+\\[x\\] 30 0"],
    ]);
  });
});

describe("Helm's include and tpl", () => {
  test("include renders a defined template into a string that can be piped", () => {
    expect(render('{{ define "x" }}v={{ .a }}{{ end }}{{ include "x" (dict "a" 1) | quote }} {{ include "x" . | upper }}', { a: "b" })).toBe('"v=1" V=B');
    expect(renderError('{{ include "nope" . }}')).toBe(
      'template: t:1:4: executing "t" at <include "nope" .>: error calling include: template: no template "nope" associated with template "t"',
    );
  });

  test("tpl renders text as a template, seeing the defined templates", () => {
    expect(render('{{ define "unit" }}MiB{{ end }}{{ tpl .t (dict "n" 5) }}', { t: '{{ .n }}{{ template "unit" }}' })).toBe("5MiB");
    expect(renderError('{{ tpl "{{ nope }}" . }}')).toBe('template: t:1:4: executing "t" at <tpl "{{ nope }}" .>: error calling tpl: template: t:1:4: function "nope" not defined');
  });
});
