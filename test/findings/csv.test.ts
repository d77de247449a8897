/** CSV export cells (CWE-1236): what a spreadsheet would run as a formula is quoted; issue 15 §5 adds the whitespace-led forms. */
import { describe, expect, it } from "vitest";
import { csvCell } from "../../lib/findings/export.ts";

describe("csvCell", () => {
  it("guards cells that start with a formula character, also after leading spaces, and cells that start with a tab or carriage return", () => {
    const cases: [string, string][] = [
      ["=1+1", "'=1+1"],
      ["+1", "'+1"],
      ["-1", "'-1"],
      ["@SUM(A1)", "'@SUM(A1)"],
      // The cases: a space (or several, or other blanks) before the formula character.
      [' =HYPERLINK("http://evil.example")', '"\' =HYPERLINK(""http://evil.example"")"'],
      ["   +cmd|' /C calc'!A0", "'   +cmd|' /C calc'!A0"],
      [" -2+3", "' -2+3"],
      [" @x", "' @x"],
      ["\u00a0=1", "'\u00a0=1"],
      ["\t=1", "'\t=1"],
      ["\tplain", "'\tplain"],
      ["\r=1", '"\'\r=1"'],
      ["\rplain", '"\'\rplain"'],
      ["\n=1", '"\'\n=1"'],
    ];
    for (const [input, out] of cases) expect([input, csvCell(input)]).toEqual([input, out]);
  });

  it("leaves ordinary text alone, and quotes separators", () => {
    for (const v of ["src/app.py", "a = b", " plain", "x=1", "2026-01-01T00:00:00.000Z"]) expect(csvCell(v)).toBe(v);
    expect(csvCell('say "hi", then')).toBe('"say ""hi"", then"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(3)).toBe("3");
  });
});
