/**
 * The findings table's query (filters, sorts, paging, capped counts), its export, the bulk triage action,
 * and the code context kept for a finding's page (cut at scan time, secrets masked). Real PostgreSQL, real git.
 */
import { writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runAs } from "../../lib/actions/define.ts";
import { triageFindings } from "../../lib/actions/findings.ts";
import type { SignedInUser } from "../../lib/auth/guard.ts";
import { findingsToCsv, findingsToSarif } from "../../lib/findings/export.ts";
import {
  assignableUsers,
  exportFindings,
  findingDetail,
  findingPage,
  findingViewQuery,
  FINDINGS_COUNT_CAP,
  FINDINGS_MAX_PAGE,
  parseFindingView,
  type FindingViewParams,
} from "../../lib/findings/queries.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { CONTEXT_MAX_LINE_CHARS, cutContexts, OMITTED_LINE, readContexts, sweepKnownSecrets } from "../../lib/scan/context.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { runScan } from "../../lib/scan/pipeline.ts";
import { scratch } from "../helpers.ts";
import { TestRepo } from "../support/git.ts";
import { usePipelineTest } from "../support/pipeline.ts";
import { loadVisibility, ORG_WIDE } from "../../lib/findings/visibility.ts";

const p = usePipelineTest("findings");
const vis = () => loadVisibility(p.t.db, ORG_WIDE);
const { t } = p;
const DAY = 86_400_000;
const now = new Date();
const at = (days: number) => new Date(now.getTime() + days * DAY);

const users = {} as Record<"admin" | "eng" | "viewer", SignedInUser>;
const repos = {} as Record<"r1" | "r2" | "archived" | "bulk", string>;
const ids = {} as Record<string, string>;

interface Mk {
  key: string;
  repo: keyof typeof repos;
  severity: "critical" | "high" | "medium" | "low";
  status?: "open" | "in_progress" | "fixed" | "false_positive" | "accepted_risk" | "reopened";
  check?: string;
  due: number;
  firstSeen: number;
  assignee?: keyof typeof users;
  path?: string;
}

async function mk(f: Mk) {
  const row = await t.db.finding.create({
    data: {
      repositoryId: repos[f.repo],
      fingerprint: `fp-${f.key}`,
      checkId: f.check ?? "test.python.eval",
      policyId: "test",
      framework: "modal",
      severity: f.severity,
      status: f.status ?? "open",
      assigneeId: f.assignee ? users[f.assignee].id : null,
      path: f.path ?? `src/${f.key}.py`,
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 9,
      message: `message ${f.key}`,
      snippet: "eval(x)",
      firstSeenAt: at(f.firstSeen),
      firstScanId: "s",
      lastSeenAt: now,
      lastScanId: "s",
      dueAt: at(f.due),
    },
  });
  ids[f.key] = row.id;
}

beforeAll(async () => {
  // Triage itself is tested here: no severity waits for an approver (approvals: test/findings/exceptions.test.ts).
  await t.db.settings.upsert({
    where: { id: 1 },
    create: { id: 1, approveAcceptedRisk: [], approveFalsePositive: [] },
    update: { approveAcceptedRisk: [], approveFalsePositive: [] },
  });
  for (const [key, role] of [
    ["admin", "admin"],
    ["eng", "engineer"],
    ["viewer", "viewer"],
  ] as const) {
    const u = await t.db.user.create({ data: { email: `${key}@example.test`, name: key, role, orgWide: true } });
    users[key] = { id: u.id, email: u.email, name: u.name, role: u.role, access: ORG_WIDE };
  }
  const ml = await t.db.team.create({ data: { name: "ml" } });
  const data = await t.db.team.create({ data: { name: "data" } });
  const repo = (name: string, teamId: string, archived = false) =>
    t.db.repository
      .create({
        data: {
          name,
          url: `https://example.com/o/${name}`,
          urlKey: `https://example.com/o/${name}`,
          teamId,
          archivedAt: archived ? now : null,
        },
      })
      .then((r) => r.id);
  repos.r1 = await repo("alpha", ml.id);
  repos.r2 = await repo("beta", data.id);
  repos.archived = await repo("gamma-archived", ml.id, true);
  repos.bulk = await repo("zeta-bulk", data.id);
  await t.db.check.update({ where: { id: "test.props.bind-all" }, data: { enabled: false } });

  await mk({ key: "f1", repo: "r1", severity: "critical", due: 1, firstSeen: -10, check: "test.python.secret", assignee: "eng" });
  await mk({ key: "f2", repo: "r1", severity: "high", status: "in_progress", due: -2, firstSeen: -40, assignee: "admin", path: "=2+3.py" });
  await mk({ key: "f3", repo: "r2", severity: "high", status: "reopened", due: 5, firstSeen: -5 });
  await mk({ key: "f4", repo: "r2", severity: "low", due: 100, firstSeen: -100, check: "test.python.timeout" });
  await mk({ key: "f5", repo: "r1", severity: "medium", status: "fixed", due: -50, firstSeen: -60 });
  await mk({ key: "f6", repo: "r2", severity: "medium", status: "false_positive", due: -1, firstSeen: -20 });
  await mk({ key: "f7", repo: "archived", severity: "critical", due: 3, firstSeen: -3 });
  await mk({ key: "f8", repo: "r1", severity: "medium", due: 3, firstSeen: -3, check: "test.props.bind-all" });
});

const view = (q: Record<string, string> = {}) => parseFindingView(q);
const keysOf = async (v: FindingViewParams, me = users.eng.id) => {
  const page = await findingPage(t.db, v, me, now, await vis());
  const byId = new Map(Object.entries(ids).map(([k, id]) => [id, k]));
  return { keys: page.rows.map((r) => byId.get(r.id)), page };
};

describe("findings table query", () => {
  it("shows open findings by default, worst first then soonest due, hiding archived repositories and disabled checks", async () => {
    const { keys, page } = await keysOf(view());
    expect(keys).toEqual(["f1", "f2", "f3", "f4"]);
    expect([page.total, page.capped, page.pages]).toEqual([4, false, 1]);
    const f2 = page.rows[1]!;
    expect(f2).toMatchObject({
      repositoryName: "alpha",
      assigneeName: "admin",
      policyTitle: "Test Policy",
      path: "=2+3.py",
      line: 3,
      overdue: true,
      status: "in_progress",
    });
    expect(page.rows[0]!.overdue).toBe(false);
  });

  it("filters by each dimension", async () => {
    const cases: [Record<string, string>, string[]][] = [
      [{ repository: repos.r1 }, ["f1", "f2"]],
      [{ repository: repos.archived }, ["f7"]],
      [{ team: (await t.db.team.findUniqueOrThrow({ where: { name: "data" } })).id }, ["f3", "f4"]],
      [{ severity: "high" }, ["f2", "f3"]],
      [{ severity: "critical,low" }, ["f1", "f4"]],
      [{ status: "all" }, ["f1", "f2", "f3", "f5", "f6", "f4"]],
      [{ status: "fixed,false_positive" }, ["f5", "f6"]],
      [{ assignee: "me" }, ["f1"]],
      [{ assignee: users.admin.id }, ["f2"]],
      [{ assignee: "none" }, ["f3", "f4"]],
      [{ assignee: "unassigned" }, ["f3", "f4"]],
      [{ age: "30" }, ["f2", "f4"]],
      [{ overdue: "1" }, ["f2"]],
      [{ overdue: "1", status: "all" }, ["f2"]],
      [{ check: "test.python.eval" }, ["f2", "f3"]],
      [{ check: "test.props.bind-all" }, []],
      [{ policy: "test" }, ["f1", "f2", "f3", "f4"]],
      [{ policy: "nope" }, []],
      [{ framework: "modal" }, ["f1", "f2", "f3", "f4"]],
      [{ framework: "bentoml,ray-serve" }, []],
    ];
    for (const [q, want] of cases) {
      const { keys, page } = await keysOf(view(q));
      expect({ q, keys }).toEqual({ q, keys: want });
      expect(page.total).toBe(want.length);
    }
  });

  it("sorts by each column in both directions, always ending in a stable order", async () => {
    const cases: [Record<string, string>, string[]][] = [
      [{ sort: "-severity" }, ["f1", "f2", "f3", "f4"]],
      [{ sort: "severity" }, ["f4", "f3", "f2", "f1"]],
      [{ sort: "dueAt" }, ["f2", "f1", "f3", "f4"]],
      [{ sort: "-dueAt" }, ["f4", "f3", "f1", "f2"]],
      [{ sort: "-firstSeenAt" }, ["f3", "f1", "f2", "f4"]],
      [{ sort: "firstSeenAt" }, ["f4", "f2", "f1", "f3"]],
      [{ sort: "repository" }, ["f1", "f2", "f3", "f4"]],
      [{ sort: "-repository" }, ["f4", "f3", "f2", "f1"]],
      [{ sort: "status" }, ["f1", "f4", "f2", "f3"]],
      [{ sort: "-overdue" }, ["f2", "f1", "f3", "f4"]],
    ];
    for (const [q, want] of cases) expect({ q, keys: (await keysOf(view(q))).keys }).toEqual({ q, keys: want });
  });

  it("parses URL parameters leniently and writes them back without defaults", () => {
    const v = parseFindingView({
      severity: "urgent",
      status: ["open", "fixed"],
      page: "-3",
      sort: "DROP TABLE",
      age: "x",
      overdue: "yes",
      assignee: "me",
    });
    expect(v).toMatchObject({
      severity: undefined,
      status: ["open"],
      page: 1,
      sort: "severity",
      dir: "desc",
      age: undefined,
      overdue: undefined,
      assignee: "me",
    });
    expect(parseFindingView({ page: "999999" }).page).toBe(FINDINGS_MAX_PAGE);
    expect(findingViewQuery(parseFindingView({ severity: "high,critical", sort: "-severity", page: "1", overdue: "1" }))).toBe(
      "severity=high%2Ccritical&overdue=1",
    );
    expect(findingViewQuery(parseFindingView({ sort: "-dueAt" }), { page: 3 })).toBe("sort=-dueAt&page=3");
    expect(findingViewQuery(parseFindingView({ assignee: "me" }), {}, "-overdue")).toBe("assignee=me&sort=-severity");
  });

  it("pages 50 at a time and caps the count", async () => {
    await t.db.$executeRaw`
      INSERT INTO "Finding" (id, "repositoryId", fingerprint, "checkId", "policyId", framework, severity, status, path, line, "column", "endLine", "endColumn", message, snippet, "firstSeenAt", "firstScanId", "lastSeenAt", "lastScanId", "dueAt", "updatedAt")
      SELECT 'bulk-' || g, ${repos.bulk}, 'bulk-' || g, 'test.python.eval', 'test', 'modal', 'medium', 'open', 'b.py', g, 1, g, 2, 'm', 's', ${now}, 's', ${now}, 's', ${now}::timestamp + g * interval '1 minute', ${now}
      FROM generate_series(1, ${FINDINGS_COUNT_CAP + 50}) g`;
    const v = (page: number) => view({ repository: repos.bulk, sort: "dueAt", page: String(page) });
    const one = await findingPage(t.db, v(1), undefined, now, await vis());
    const two = await findingPage(t.db, v(2), undefined, now, await vis());
    expect([one.total, one.capped, one.pages, one.rows.length, two.rows.length]).toEqual([
      FINDINGS_COUNT_CAP,
      true,
      FINDINGS_MAX_PAGE,
      50,
      50,
    ]);
    expect(one.rows.map((r) => r.line)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(two.rows.map((r) => r.line)).toEqual(Array.from({ length: 50 }, (_, i) => i + 51));
    const few = await findingPage(t.db, view({ repository: repos.bulk, age: "1" }), undefined, now, await vis());
    expect([few.total, few.capped, few.rows.length]).toEqual([0, false, 0]);
  });
});

describe("export of a filter", () => {
  it("writes the filter's findings as CSV, formula-guarded, and as SARIF; says when it was cut short", async () => {
    const { findings, truncated } = await exportFindings(
      t.db,
      view({ repository: repos.r1, status: "all" }),
      users.eng.id,
      50_000,
      now,
      await vis(),
    );
    expect(truncated).toBe(false);
    expect(findings.map((f) => f.id)).toEqual([ids.f1, ids.f2, ids.f5]);
    const csv = findingsToCsv(findings).trimEnd().split("\r\n");
    expect(csv).toHaveLength(4);
    expect(csv[0]).toBe(
      "id,repository,path,line,severity,status,policy,check,framework,message,first_seen,due,assignee,fingerprint,context,reason,accepted_until,url,requested_by,approved_by,exception",
    );
    expect(csv[1]).toBe(
      `${ids.f1},alpha,src/f1.py,3,critical,open,test,test.python.secret,modal,message f1,${at(-10).toISOString()},${at(1).toISOString()},eng@example.test,fp-f1,production,,,/findings/${ids.f1},,,`,
    );
    expect(csv[2]).toContain(",'=2+3.py,3,high,in_progress,");
    // SARIF describes the code as it is: the fixed f5 is left out unless asked for.
    const sarif = await findingsToSarif(t.db, findings, "0.0.0");
    expect(sarif.runs[0]!.results!.map((r) => [r.ruleId, r.locations![0]!.physicalLocation!.region!.startLine])).toEqual([
      ["test.python.secret", 3],
      ["test.python.eval", 3],
    ]);
    const withFixed = await findingsToSarif(t.db, findings, "0.0.0", { includeFixed: true });
    expect(withFixed.runs[0]!.results!.map((r) => [r.ruleId, r.baselineState])).toEqual([
      ["test.python.secret", undefined],
      ["test.python.eval", undefined],
      ["test.python.eval", "absent"],
    ]);
    const cut = await exportFindings(t.db, view(), users.eng.id, 2, now, await vis());
    expect([cut.findings.length, cut.truncated]).toEqual([2, true]);
  });
});

describe("bulk triage action", () => {
  it("offers no viewer as an assignee, and refuses to assign one", async () => {
    const offered = (await assignableUsers(t.db, ORG_WIDE)).map((u) => u.id);
    expect(offered).toContain(users.eng.id);
    expect(offered).not.toContain(users.viewer.id);
    expect(await runAs(triageFindings, { db: t.db, user: users.eng }, { ids: [ids.f1], assignee: users.viewer.id })).toMatchObject({
      ok: false,
      error: "a viewer cannot be assigned findings: they cannot change them",
    });
  });

  it("refuses viewers before looking at the input", async () => {
    const r = await runAs(triageFindings, { db: t.db, user: users.viewer }, { ids: [ids.f1], status: "in_progress" });
    expect(r).toEqual({ ok: false, error: "the viewer role cannot do this", field: undefined });
    expect(await runAs(triageFindings, { db: t.db, user: null }, { ids: [ids.f1] })).toMatchObject({
      ok: false,
      error: "sign in to continue",
    });
  });

  it("refuses a false positive without a reason and an accepted risk without an expiry, changing nothing", async () => {
    const eng = { db: t.db, user: users.eng };
    expect(await runAs(triageFindings, eng, { ids: [ids.f3], status: "false_positive", reason: "" })).toEqual({
      ok: false,
      error: "reason: a reason is required to mark a finding false positive",
    });
    expect(await runAs(triageFindings, eng, { ids: [ids.f3], status: "accepted_risk", reason: "vpn only" })).toEqual({
      ok: false,
      error: "acceptedUntil: accepted risk needs an expiry date",
    });
    expect(await runAs(triageFindings, eng, { ids: [], status: "in_progress" })).toMatchObject({
      ok: false,
      error: "ids: select at least one finding",
    });
    expect(await runAs(triageFindings, eng, { ids: [ids.f3], status: "fixed" })).toMatchObject({ ok: false });
    expect(await runAs(triageFindings, eng, { ids: [ids.f3, "nope"], status: "in_progress" })).toEqual({
      ok: false,
      error: "one or more findings do not exist",
    });
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: ids.f3 } })).status).toBe("reopened");
    expect(await t.db.findingEvent.count()).toBe(0);
  });

  it("changes status, assignee and comment of many findings, writing events and the audit log", async () => {
    const eng = { db: t.db, user: users.eng };
    // What the form sends: blanks for fields left alone.
    const r = await runAs(triageFindings, eng, {
      ids: [ids.f3, ids.f4],
      status: "false_positive",
      reason: "test fixtures",
      acceptedUntil: "",
      assignee: users.eng.id,
      comment: "checked",
    });
    expect(r).toEqual({ ok: true, data: { updated: 2 } });
    const rows = await t.db.finding.findMany({ where: { id: { in: [ids.f3!, ids.f4!] } } });
    expect(rows.map((f) => [f.status, f.statusReason, f.assigneeId])).toEqual([
      ["false_positive", "test fixtures", users.eng.id],
      ["false_positive", "test fixtures", users.eng.id],
    ]);
    const events = await t.db.findingEvent.findMany({ where: { findingId: ids.f3 }, orderBy: { type: "asc" } });
    expect(events.map((e) => [e.type, e.actorId])).toEqual([
      ["status_changed", users.eng.id],
      ["assigned", users.eng.id],
      ["commented", users.eng.id],
    ]);
    expect(await t.db.auditLog.count({ where: { action: "finding.triage", actorId: users.eng.id } })).toBe(2);

    const until = new Date(now.getTime() + 30 * DAY).toISOString().slice(0, 10);
    expect(
      await runAs(triageFindings, eng, {
        ids: ids.f1,
        status: "accepted_risk",
        reason: "behind the VPN",
        acceptedUntil: until,
        assignee: "none",
      }),
    ).toEqual({ ok: true, data: { updated: 1 } });
    const f1 = await t.db.finding.findUniqueOrThrow({ where: { id: ids.f1 } });
    expect([f1.status, f1.acceptedUntil?.toISOString(), f1.assigneeId]).toEqual(["accepted_risk", `${until}T23:59:59.999Z`, null]);
    // The table follows: f1, f3 and f4 left the open view.
    expect((await keysOf(view({ repository: repos.r1 }))).keys).toEqual(["f2"]);
    expect((await keysOf(view({ repository: repos.r2 }))).keys).toEqual([]);
  });

  it("shows a finding's timeline with actor names, and nothing for an unknown id", async () => {
    const d = await findingDetail(t.db, ids.f3!, ORG_WIDE);
    expect(d?.events.map((e) => [e.type, e.actor?.name])).toEqual(expect.arrayContaining([["commented", "eng"]]));
    expect(d?.check.policy).toMatchObject({ title: "Test Policy", references: ["CWE-94"] });
    expect(await findingDetail(t.db, "no-such-finding", ORG_WIDE)).toBeNull();
    expect(await findingDetail(t.db, "../../etc/passwd", ORG_WIDE)).toBeNull();
  });
});

describe("code context", () => {
  const GH = `ghp_${"a1B2".repeat(9)}`;
  const file = [
    "import os",
    `GH = "${GH}"`,
    'API_TOKEN = "hunter2-custom-secret"',
    "",
    "def handle(request):",
    "    return eval(request)",
    "",
    "# end",
  ];

  it("cuts ±5 lines around a match, masking a secret on a neighbouring line", () => {
    const [ctx] = cutContexts(file, [{ line: 6, endLine: 6, snippet: "    return eval(request)" }]);
    expect(ctx!.start).toBe(1);
    expect(ctx!.lines).toHaveLength(8);
    expect(ctx!.lines[5]).toBe("    return eval(request)");
    expect(ctx!.lines[1]).toBe(`GH = "ghp_****[redacted]"`);
    expect(ctx!.lines.join("\n")).not.toContain(GH);
  });

  it("takes other findings' matched lines from their redacted snippets", () => {
    const secret = { line: 3, endLine: 3, snippet: 'API_TOKEN = "hunt****[redacted]"' };
    const evalF = { line: 6, endLine: 6, snippet: "    return eval(request)" };
    const [forSecret, forEval] = cutContexts(file, [secret, evalF], 2);
    expect(forSecret).toEqual({
      start: 1,
      lines: ["import os", `GH = "ghp_****[redacted]"`, 'API_TOKEN = "hunt****[redacted]"', "", "def handle(request):"],
    });
    expect(forEval).toEqual({ start: 4, lines: ["", "def handle(request):", "    return eval(request)", "", "# end"] });
    expect(cutContexts(file, [evalF, secret], 5)[0]!.lines.join("\n")).not.toContain("hunter2");
  });

  it("hides matched lines the snippet does not cover, caps long lines, keeps line numbers through key blocks", () => {
    const long = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const [ctx] = cutContexts(long, [{ line: 8, endLine: 16, snippet: "line 8\nline 9\n…" }], 1);
    expect(ctx).toEqual({ start: 7, lines: ["line 7", "line 8", "line 9", OMITTED_LINE] });
    const [wide] = cutContexts(["x".repeat(1000)], [{ line: 1, endLine: 1, snippet: `${"x".repeat(240)}…` }]);
    expect(wide!.lines[0]).toHaveLength(241);
    const [edge] = cutContexts(["a".repeat(1000), "b".repeat(1000)], [{ line: 1, endLine: 1, snippet: "a" }]);
    expect(edge!.lines[1]).toBe(`${"b".repeat(CONTEXT_MAX_LINE_CHARS)}…`);
    const keyFile = [
      "x = 1",
      "-----BEGIN RSA PRIVATE KEY-----",
      "MIIEpAIBAAKCAQEA7bq",
      "c2VjcmV0c2VjcmV0",
      "-----END RSA PRIVATE KEY-----",
      "y = 2",
    ];
    const swept = sweepKnownSecrets(keyFile);
    expect(swept).toHaveLength(6);
    expect([swept[0], swept[5]]).toEqual(["x = 1", "y = 2"]);
    expect(swept.slice(1, 5).join("\n")).not.toMatch(/MIIE|c2Vj|BEGIN RSA/);
  });

  it("reads each file once from the checkout and refuses paths outside it", async () => {
    const dir = scratch();
    dir.write("app/a.py", file.join("\r\n"));
    writeFileSync(dir.path("outside.py"), "secret");
    const got = await readContexts(dir.path("app"), [
      { path: "a.py", line: 6, endLine: 6, snippet: "    return eval(request)", fingerprint: "a" },
      { path: "../outside.py", line: 1, endLine: 1, snippet: "secret", fingerprint: "b" },
      { path: "missing.py", line: 1, endLine: 1, snippet: "x", fingerprint: "c" },
    ]);
    expect([...got.keys()]).toEqual(["a"]);
    expect(got.get("a")!.lines[5]).toBe("    return eval(request)");
  });

  it("is stored by the scan pipeline on insert and refreshed on update", async () => {
    const repo = new TestRepo(p.work.path("ctx"));
    const SRC = (pad: string) =>
      `import os\n${pad}GH = "${GH}"\nAPI_TOKEN = "hunter2-custom-secret"\n\ndef handle(request):\n    return eval(request)\n`;
    repo.write("app/handler.py", SRC("")).commit("one");
    const repositoryId = (await registerRepository(t.db, { url: repo.dir, team: "ml" }, true)).id;
    const scan = async () => {
      const { scan } = await enqueueScan(t.db, p.queues, repositoryId, "manual");
      expect(
        await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scan.id, { number: 1, max: 1 }),
      ).toBe("succeeded");
      return t.db.finding.findMany({ where: { repositoryId }, orderBy: { checkId: "asc" } });
    };
    const first = await scan();
    expect(first.map((f) => [f.checkId, f.line])).toEqual([
      ["test.python.eval", 6],
      ["test.python.secret", 3],
    ]);
    const ctx = first[0]!.context as { start: number; lines: string[] };
    expect(ctx.start).toBe(1);
    expect(ctx.lines[5]).toBe("    return eval(request)");
    expect(ctx.lines[2]).toBe(first[1]!.snippet);
    expect(JSON.stringify(first.map((f) => f.context))).not.toMatch(/hunter2|ghp_a1B2/);

    repo.write("app/handler.py", SRC("# moved down\n")).commit("two");
    const second = await scan();
    expect(second.map((f) => [f.id, f.line])).toEqual([
      [first[0]!.id, 7],
      [first[1]!.id, 4],
    ]);
    const moved = second[0]!.context as { start: number; lines: string[] };
    expect([moved.start, moved.lines[0], moved.lines[5]]).toEqual([2, "# moved down", "    return eval(request)"]);
  });
});
