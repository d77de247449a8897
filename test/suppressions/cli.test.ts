/** `posture scan --format json` lists every suppression with its reason, comment line and severity (issue 16 §3). */
import { describe, expect, it } from "vitest";
import { run } from "../../lib/cli/main.ts";
import { scratch, TEST_POLICY } from "../helpers.ts";

describe("posture scan's suppressions", () => {
  it("lists each one with its reason (or that it gave none), and still honours every one", async () => {
    const rules = scratch("posture-rules-");
    rules.write("test.policy.yaml", TEST_POLICY);
    const src = scratch("posture-src-");
    src.write(
      "a.py",
      "def f(x):\n    # posture: ignore[test.python.eval] x is a constant\n    return eval(x)\n\ndef g(y):\n    return eval(y)  # posture: ignore[test.python.eval]\n",
    );
    let stdout = "";
    const code = await run(["scan", src.root, "--format", "json", "--rules", rules.root], {
      stdout: (s) => (stdout += s),
      stderr: () => undefined,
      isTTY: false,
    });
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.findings).toEqual([]);
    expect(
      out.suppressed.map((s: Record<string, unknown>) => [s.ruleId, s.line, s.commentLine, s.severity, s.reason, s.noReason ?? false]),
    ).toEqual([
      ["test.python.eval", 3, 2, "high", "x is a constant", false],
      ["test.python.eval", 6, 6, "high", "(no reason given)", true],
    ]);
  });
});
