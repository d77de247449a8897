/**
 * Issue 15 §5: NUL characters and unpaired surrogates are refused at every input boundary with a clear message
 * (they were 500s from PostgreSQL). The API's cases are in test/api.test.ts; here the rule itself, the
 * dashboard's server actions (runAs) and the query of every page (proxy.ts).
 */
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { runAs } from "../lib/actions/define.ts";
import { triageFindings } from "../lib/actions/findings.ts";
import { registerRepositoryAction } from "../lib/actions/repositories.ts";
import { setCheckEnabledAction } from "../lib/actions/rules.ts";
import { isSafeText, UNSAFE_TEXT_MESSAGE, unsafeTextPath } from "../lib/security/text.ts";
import { proxy } from "../proxy.ts";
import { useTestDatabase } from "./support/db.ts";
import { ORG_WIDE } from "../lib/findings/visibility.ts";

describe("the rule", () => {
  it("refuses NUL and unpaired surrogates, and nothing else", () => {
    for (const s of ["\u0000", "a\u0000b", "\ud800", "x\udbff", "\udc00y", "\udfff", "\udc00\ud800"])
      expect([s, isSafeText(s)]).toEqual([s, false]);
    for (const s of ["", "plain", "🙂", "\ud83d\ude42", "naïve", "\u0001\u001f", "\ufffd", "日本"])
      expect([s, isSafeText(s)]).toEqual([s, true]);
  });

  it("finds the first unsafe value or key anywhere in a parsed body, however deep", () => {
    expect(unsafeTextPath({ a: ["ok", { b: "x\u0000" }] })).toEqual(["a", 1, "b"]);
    expect(unsafeTextPath({ ok: 1, "k\ud800": 1 })).toEqual(["k\ud800"]);
    expect(unsafeTextPath("\u0000")).toEqual([]);
    expect(unsafeTextPath({ a: [1, true, null, "🙂"], b: { c: "d" } })).toBeNull();
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unsafeTextPath(deep)?.length).toBe(100_000);
  });
});

describe("server actions", () => {
  const t = useTestDatabase("inputtext");
  const lead = { id: "u-lead", email: "lead@example.test", name: "lead", role: "security_lead" as const, access: ORG_WIDE };

  it("refuse unsafe text in any field with the field's name, before running", async () => {
    const cases = [
      [triageFindings, { ids: ["f1"], comment: "hello\u0000" }, "comment"],
      [triageFindings, { ids: ["f\ud800"], status: "open" }, "ids.0"],
      [registerRepositoryAction, { url: "https://example.com/o/r", team: "ml\u0000" }, "team"],
      [registerRepositoryAction, { url: "https://example.com/o/r\udc00", team: "ml" }, "url"],
      [setCheckEnabledAction, { checkId: "x\u0000", enabled: "true" }, "checkId"],
    ] as const;
    for (const [def, input, field] of cases) {
      const r = await runAs(def as typeof triageFindings, { db: t.db, user: lead }, input);
      expect([def.name, r]).toEqual([def.name, { ok: false, error: `${field}: ${UNSAFE_TEXT_MESSAGE}`, field }]);
    }
    expect(await t.db.repository.count()).toBe(0);
    expect(await t.db.auditLog.count()).toBe(0);
  });
});

describe("page queries (proxy.ts)", () => {
  const get = (path: string) => proxy(new NextRequest(`http://127.0.0.1:3000${path}`, { headers: { host: "127.0.0.1:3000" } }));

  it("answer 400 with a message naming the parameter, for every page", async () => {
    for (const [path, field] of [
      ["/remediation?team=%00", "team"],
      ["/admin/audit?actor=%00", "actor"],
      ["/findings?team=a%00", "team"],
      ["/findings/export?format=csv&check=%00", "check"],
      ["/api/v1/findings?repository=%00", "repository"],
      ["/heatmap?%00=1", "a parameter name"],
      ["/findings/%00", "the path"],
    ] as const) {
      const res = get(path);
      expect([path, res.status]).toEqual([path, 400]);
      expect(await res.json()).toEqual({ error: { code: "invalid_input", message: `${field}: ${UNSAFE_TEXT_MESSAGE}` } });
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("let ordinary queries through, replacement characters from malformed UTF-8 included", () => {
    for (const path of [
      "/remediation?team=abc",
      "/findings?severity=critical,high",
      "/admin/audit?actor=%C3%A9",
      "/remediation?team=%ED%A0%80",
      "/findings?q=%F0%9F%99%82",
    ])
      expect([path, get(path).status]).toEqual([path, 200]);
  });
});
