/**
 * Which strings the YAML writer must quote because a reader would type them: the hand-written classifier
 * (core/plain-scalar.ts) against the resolution rules written as one regular expression, on chosen
 * cases and on many generated strings made of the characters that matter.
 */
import { describe, expect, test } from "bun:test";
import { readsAsNonString } from "../../core/plain-scalar.ts";
import { parseYaml, stringifyYaml } from "../../core/yaml.ts";

/** yaml.v3 and YAML 1.1 resolution of plain scalars, as one expression (the reference). */
const reference =
  /^(?:|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?0x[0-9a-fA-F_]+|[-+]?0o[0-7_]+|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?)$/;

const chosen = [
  ...["", "~", "null", "NULL", "Null", "nul", "yes", "Yes", "yES", "y", "n", "on", "Off", "OFF", "of", "true", "tRUE"],
  ...["1", "-1", "+1", "1_000", "1.", "1.5", ".5", "-.5", "._5", ".5_", "1e5", "1E+5", "1e", "1e+", "1.e5", "1.5e-3x", "0e5"],
  ...["0x1F", "0X1F", "-0x1", "0x", "0x_", "0xg", "0o17", "0o8", "0b101", "0b2", "00x1", "0b", "+-1", "-", "+", "."],
  ...[".inf", "-.inf", "+.INF", ".Inf", ".iNF", ".nan", "-.nan", "+.NaN", ".NAN", "nan", "inf"],
  ...["1:30", "190:20:30", "1:60", "1:5a", "12:", "1:05.3_", "1:2:3.", "-1:30", "1:7", "1:700", ":30", "1::30"],
  ...["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43Z", "2001-1-1"],
  ...["2001-12-14x", "200-12-14", "2001-12-14 21:59", "-2001-12-14", "25.10.1", "v1.2.3", "1.2.3", "10Gi", "250m"],
];

/** A fixed-seed generator, so a failure names a string that reproduces. */
function* generated(count: number): Generator<string> {
  const alphabet = "0123456789_.:+-eExXoObBaAfFinNIZtTyYls \t";
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  for (let i = 0; i < count; i++) {
    const len = Math.floor(next() * 11);
    let s = "";
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
    yield s;
  }
}

describe("plain scalars a reader would type", () => {
  test("chosen cases agree with the resolution rules", () => {
    for (const s of chosen) expect(readsAsNonString(s), JSON.stringify(s)).toBe(reference.test(s));
  });

  test("generated strings agree with the resolution rules", () => {
    let typed = 0;
    for (const s of generated(200_000)) {
      const want = reference.test(s);
      if (readsAsNonString(s) !== want) expect(readsAsNonString(s), JSON.stringify(s)).toBe(want);
      if (want) typed++;
    }
    // The generator reaches the typed forms, not just text.
    expect(typed).toBeGreaterThan(5_000);
  });

  test("the writer quotes exactly those strings, and they read back as strings", () => {
    for (const s of chosen) {
      const text = stringifyYaml({ k: s });
      if (reference.test(s)) expect(text, JSON.stringify(s)).toStartWith('k: "');
      expect(parseYaml(text, "t.yaml").value).toEqual({ k: s });
    }
  });
});
