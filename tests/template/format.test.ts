/** Go `fmt` emulation: `%v` text of values and the `printf` verbs templates use. */
import { describe, expect, test } from "bun:test";
import { formatValue, sprintf } from "../../core/template/index.ts";
import { render } from "./helpers.ts";

describe("%v", () => {
  test("scalars", () => {
    expect([formatValue("s"), formatValue(42), formatValue(-7), formatValue(true), formatValue(null), formatValue(undefined), formatValue(2n ** 64n - 1n)]).toEqual([
      "s",
      "42",
      "-7",
      "true",
      "<nil>",
      "<nil>",
      "18446744073709551615",
    ]);
  });

  test("floats in Go's shortest form, exponent below 1e-4 and from 1e6", () => {
    const cases: [number, string][] = [
      [2.5, "2.5"],
      [0.1 + 0.2, "0.30000000000000004"],
      [0.0001, "0.0001"],
      [0.00001234, "1.234e-05"],
      [1e-7, "1e-07"],
      [123456.789, "123456.789"],
      [1234567.8, "1.2345678e+06"],
      [-0.5, "-0.5"],
      [1e21, "1e+21"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "+Inf"],
      [Number.NEGATIVE_INFINITY, "-Inf"],
    ];
    for (const [v, text] of cases) expect(formatValue(v)).toBe(text);
  });

  test("integral numbers are ints (JavaScript keeps no float64 type), up to 2^53 - 1", () => {
    expect([formatValue(1.5e6), formatValue(3.0), formatValue(2 ** 53 - 1), formatValue(2 ** 60)]).toEqual(["1500000", "3", "9007199254740991", "1.152921504606847e+18"]);
  });

  test("lists and maps (keys sorted), nested", () => {
    expect(formatValue([1, "a", [true, null], { z: 1, a: [2] }])).toBe("[1 a [true <nil>] map[a:[2] z:1]]");
    expect(formatValue({})).toBe("map[]");
    expect(formatValue([])).toBe("[]");
  });

  test("Stringers print through String(); times in Go's layout", () => {
    class Version {
      String() {
        return "v1.2.3";
      }
    }
    expect(formatValue([new Version()])).toBe("[v1.2.3]");
    expect(formatValue(new Date(Date.UTC(2026, 0, 3, 10, 30, 5)))).toBe("2026-01-03 10:30:05 +0000 UTC");
  });
});

describe("printf", () => {
  const cases: [string, unknown[], string][] = [
    ["%s|%10s|%-5s|%.2s|%05s", ["x", "x", "x", "hello", "ab"], "x|         x|x    |he|   ab"],
    ["%d|%5d|%-5d|%05d|%+d|%.3d", [42, 42, 42, -42, 5, 7], "42|   42|42   |-0042|+5|007"],
    ["%x|%X|%#x|%o|%#o|%O|%b|%c|%q|%U", [255, 255, 255, 8, 8, 8, 5, 65, 65, 0x1f600], "ff|FF|0xff|10|010|0o10|101|A|'A'|U+1F600"],
    ["%f|%.2f|%8.3f|%6.2f|%06.2f", [3.14159, 3.14159, 3.14159, -1.5, -1.5], "3.141590|3.14|   3.142| -1.50|-01.50"],
    ["%e|%E|%.2e", [1234.5678, 1234.5678, 0.000123456], "1.234568e+03|1.234568E+03|1.23e-04"],
    ["%g|%g|%.3g|%.3g|%g", [1234.5678, 0.00001234, 1234.5678, 1.0, 1.5e6], "1234.5678|1.234e-05|1.23e+03|1|1.5e+06"],
    ["%.0f|%.0f|%.1f|%.2f", [2.5, 3.5, 0.05, 1.005], "2|4|0.1|1.00"],
    ["%t|%v|%v", [true, false, null], "true|false|<nil>"],
    ["%q|%#q|%+q", ['a"b\n', "ab", "é"], '"a\\"b\\n"|`ab`|"\\u00e9"'],
    ["%x|% x|%X", ["hi", "hi", "hi"], "6869|68 69|6869"],
    ["%v|%q|%d|%v", [[1, "a"], ["a", "b"], [1, 2], { b: 2, a: 1 }], '[1 a]|["a" "b"]|[1 2]|map[a:1 b:2]'],
    ["%T|%T|%T|%T|%T|%T", ["x", 1, 1.5, [1], {}, null], "string|int|float64|[]interface {}|map[string]interface {}|<nil>"],
    ["%*d|%-*d|", [5, 42, 4, 7], "   42|7   |"],
    ["100%%", [], "100%"],
  ];
  for (const [format, args, want] of cases) {
    test(`${format}`, () => expect(sprintf(format, args)).toBe(want));
  }

  test("mistakes are reported inline as Go does", () => {
    expect(sprintf("%s %d", [null, "x"])).toBe("%!s(<nil>) %!d(string=x)");
    expect(sprintf("%d %d", [1])).toBe("1 %!d(MISSING)");
    expect(sprintf("%d", [1, 2, "x"])).toBe("1%!(EXTRA int=2, string=x)");
    expect(sprintf("%z|%d", [1, 2.5])).toBe("%!z(int=1)|%!d(float64=2.5)");
    expect(sprintf("%", [])).toBe("%!(NOVERB)");
  });

  test("strings are quoted like strconv.Quote", () => {
    expect(sprintf("%q", ["tab\there\u0000\u007f\u00a0é😀"])).toBe('"tab\\there\\x00\\x7f\\u00a0é😀"');
  });

  test("from a template, with the piped value last", () => {
    expect(render('{{ 3.14159 | printf "%.2f" }} {{ printf "%v=%v" "k" .v }}', { v: { a: [1] } })).toBe("3.14 k=map[a:[1]]");
  });
});
