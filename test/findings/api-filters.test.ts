/**
 * One filter language (issue 18): GET /api/v1/findings takes the findings page's parameters with the same
 * meaning, so for any query string the API (through its route handler, every cursor page) returns exactly the
 * rows the dashboard's table and export of that query select, and both hide archived repositories (unless one
 * is asked for by id) and findings of disabled checks. Real PostgreSQL.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/tokens.ts";
import type { FindingStatus } from "../../lib/db/client.ts";
import { CODE_CONTEXTS, SEVERITIES } from "../../lib/engine/types.ts";
import { exportFindings, findingPage, parseFindingView } from "../../lib/findings/queries.ts";
import { FINDING_STATUSES } from "../../lib/findings/status.ts";
import { ORG_WIDE, loadVisibility } from "../../lib/findings/visibility.ts";
import { useTestDatabase } from "../support/db.ts";
import { findingRow } from "../support/finding-row.ts";

const t = useTestDatabase("api_filters");
const ids = {} as Record<"teamA" | "teamB" | "a1" | "a2archived" | "b1" | "me" | "other", string>;
let token: string;
let route: { GET: (req: Request) => Promise<Response> };
// The route reads the clock itself: the fixture is relative to now, and no due date is within days of it.
const now = new Date();
const DAY = 86_400_000;

beforeAll(async () => {
  const db = t.db;
  for (const [id, framework] of [
    ["p.modal", "modal"],
    ["p.bento", "bentoml"],
  ] as const)
    await db.policy.create({ data: { id, title: id, framework, level: "strict", references: [], why: "", remediation: "" } });
  for (const [id, policyId, enabled] of [
    ["on.one", "p.modal", true],
    ["on.two", "p.bento", true],
    ["off", "p.modal", false],
  ] as const)
    await db.check.create({ data: { id, policyId, severity: "high", message: "m", enabled } });
  ids.teamA = (await db.team.create({ data: { name: "A" } })).id;
  ids.teamB = (await db.team.create({ data: { name: "B" } })).id;
  const repo = (name: string, teamId: string, archivedAt?: Date) =>
    db.repository.create({ data: { name, teamId, url: `https://x/${name}`, urlKey: `x/${name}`, archivedAt } }).then((r) => r.id);
  ids.a1 = await repo("a1", ids.teamA);
  ids.a2archived = await repo("a2", ids.teamA, new Date("2026-11-20T00:00:00Z"));
  ids.b1 = await repo("b1", ids.teamB);
  const me = await db.user.create({ data: { email: "lead@x", name: "Lead", role: "security_lead", orgWide: true } });
  ids.me = me.id;
  ids.other = (await db.user.create({ data: { email: "eng@x", name: "Eng", role: "engineer", orgWide: true } })).id;
  token = (await createApiToken(db, { userId: me.id, name: "t", scope: "read" })).token;

  // Every dimension varies; firstSeenAt repeats so the API's keyset pages must break ties by id.
  let n = 0;
  for (const repositoryId of [ids.a1, ids.a2archived, ids.b1])
    for (const checkId of ["on.one", "on.two", "off"])
      for (const status of FINDING_STATUSES) {
        n++;
        const firstSeenAt = new Date(now.getTime() - (n % 5) * 20 * DAY);
        await db.finding.create({
          data: findingRow(
            {
              repositoryId,
              fingerprint: `fp${n}`,
              checkId,
              policyId: checkId === "on.two" ? "p.bento" : "p.modal",
              framework: checkId === "on.two" ? "bentoml" : "modal",
              severity: SEVERITIES[n % 4]!,
              status: status as FindingStatus,
              codeContext: CODE_CONTEXTS[n % 5]!,
              assigneeId: n % 3 === 0 ? ids.me : n % 3 === 1 ? ids.other : null,
              path: `f${n}.py`,
              dueAt: new Date(now.getTime() + (((n % 4) - 2) * 10 + 5) * DAY),
            },
            firstSeenAt,
          ),
        });
      }
  process.env.DATABASE_URL = t.url;
  route = (await import("../../app/api/v1/findings/route.ts")) as unknown as typeof route;
});

/** Every row the API gives for `query`, following the cursor 7 at a time. */
async function viaApi(query: string): Promise<{ ids: string[]; repositories: string[]; checks: string[] }> {
  const out: { id: string; repositoryId: string; checkId: string }[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const q = new URLSearchParams(query);
    q.set("limit", "7");
    if (cursor) q.set("cursor", cursor);
    const res = await route.GET(new Request(`http://localhost/api/v1/findings?${q}`, { headers: { authorization: `Bearer ${token}` } }));
    const body = (await res.json()) as { items: typeof out; nextCursor: string | null; error?: unknown };
    expect(res.status, `${query}: ${JSON.stringify(body.error)}`).toBe(200);
    out.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  expect(new Set(out.map((x) => x.id)).size, `${query}: a row repeated across pages`).toBe(out.length);
  return { ids: out.map((x) => x.id).sort(), repositories: out.map((x) => x.repositoryId), checks: out.map((x) => x.checkId) };
}

async function viaDashboard(query: string): Promise<{ ids: string[]; total: number }> {
  const v = await loadVisibility(t.db, ORG_WIDE);
  const view = parseFindingView(Object.fromEntries(new URLSearchParams(query)));
  const exported = await exportFindings(t.db, view, ids.me, 10_000, new Date(), v);
  const page = await findingPage(t.db, view, ids.me, new Date(), v);
  return { ids: exported.findings.map((f) => f.id).sort(), total: page.total };
}

describe("GET /api/v1/findings speaks the findings page's filter language", () => {
  const queries = () => [
    "",
    "status=all&context=all",
    "status=fixed,false_positive&context=all",
    "severity=critical,high&status=all",
    `team=${ids.teamA}&status=all&context=all`,
    `repository=${ids.a2archived}&status=all&context=all`,
    `repository=${ids.b1}`,
    "check=on.two&status=all&context=all",
    "check=off&status=all&context=all",
    "policy=p.bento&context=all",
    "framework=bentoml&status=all",
    "framework=modal,bentoml&context=test,docs",
    "assignee=me&status=all&context=all",
    "assignee=none&context=all",
    "assignee=unassigned&context=all",
    `assignee=${ids.other}&status=all&context=all`,
    "overdue=1&context=all",
    "overdue=true&status=all&context=all",
    "age=30&status=all&context=all",
    `age=50&team=${ids.teamB}&severity=low,medium&status=open,reopened&context=all`,
  ];

  it("returns exactly the dashboard's rows for the same query", async () => {
    for (const q of queries()) {
      const [api, dash] = await Promise.all([viaApi(q), viaDashboard(q)]);
      expect(api.ids, q).toEqual(dash.ids);
      expect(dash.total, q).toBe(dash.ids.length);
    }
    // The fixture can tell the filters apart: most queries select something, not all the same rows.
    const sizes = await Promise.all(queries().map(async (q) => (await viaApi(q)).ids.length));
    expect(new Set(sizes).size).toBeGreaterThan(8);
    expect(sizes.filter((s) => s > 0).length).toBeGreaterThan(15);
  });

  it("agrees on random combinations of filters", async () => {
    let seed = 18;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const some = (xs: readonly string[]) => xs.filter(() => rnd() < 0.5).join(",") || xs[0]!;
    for (let i = 0; i < 30; i++) {
      const q = new URLSearchParams();
      const put = (k: string, v: string | undefined) => v !== undefined && q.set(k, v);
      put("team", pick([undefined, ids.teamA, ids.teamB]));
      put("repository", pick([undefined, undefined, ids.a1, ids.a2archived]));
      put("severity", pick([undefined, some(SEVERITIES)]));
      put("status", pick([undefined, "all", some(FINDING_STATUSES)]));
      put("context", pick([undefined, "all", some(CODE_CONTEXTS)]));
      put("assignee", pick([undefined, "me", "none", ids.other]));
      put("check", pick([undefined, "on.one", "off"]));
      put("overdue", pick([undefined, undefined, "1"]));
      const [api, dash] = await Promise.all([viaApi(q.toString()), viaDashboard(q.toString())]);
      expect(api.ids, q.toString()).toEqual(dash.ids);
    }
  });

  it("hides archived repositories and disabled checks as the dashboard does", async () => {
    const every = await viaApi("status=all&context=all");
    expect(every.ids.length).toBeGreaterThan(0);
    expect(every.repositories).not.toContain(ids.a2archived);
    expect(every.checks).not.toContain("off");
    // A team's findings leave its archived repository out (the API used to include them).
    const teamA = await viaApi(`team=${ids.teamA}&status=all&context=all`);
    expect(new Set(teamA.repositories)).toEqual(new Set([ids.a1]));
    // Asked for by id, an archived repository is shown, still without the disabled check.
    const archived = await viaApi(`repository=${ids.a2archived}&status=all&context=all`);
    expect(archived.ids.length).toBeGreaterThan(0);
    expect(new Set(archived.repositories)).toEqual(new Set([ids.a2archived]));
    expect(archived.checks).not.toContain("off");
    expect((await viaApi("check=off&status=all&context=all")).ids).toEqual([]);
  });

  it("refuses what the dashboard would quietly ignore, naming the parameter", async () => {
    for (const [q, field] of [
      ["status=closed", "status"],
      ["context=generated", "context"],
      ["overdue=yes", "overdue"],
      ["age=0", "age"],
      ["sort=-severity", ""],
      ["page=2", ""],
    ] as const) {
      const res = await route.GET(new Request(`http://localhost/api/v1/findings?${q}`, { headers: { authorization: `Bearer ${token}` } }));
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect([q, res.status, body.error.code]).toEqual([q, 400, "invalid_input"]);
      if (field) expect(body.error.message.startsWith(`${field}:`), body.error.message).toBe(true);
    }
  });
});
