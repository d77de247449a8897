/**
 * A finding's code context downstream of the engine, through the real pipeline (git, scan, persist) and real
 * PostgreSQL: stored and refreshed on rescan (with its events), the .posture.yaml summary kept with the scan,
 * every aggregate counting the contexts the org setting counts, the findings view's filter, the API and exports.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runAs } from "../../lib/actions/define.ts";
import { updateSettingsAction } from "../../lib/actions/admin.ts";
import type { SignedInUser } from "../../lib/auth/guard.ts";
import { createApiToken } from "../../lib/auth/tokens.ts";
import { heatmap, heatmapParams } from "../../lib/dashboard/heatmap.ts";
import { mttr, openFindings } from "../../lib/dashboard/overview.ts";
import { slaView, statusBreakdown } from "../../lib/dashboard/remediation.ts";
import { openTrend } from "../../lib/dashboard/trends.ts";
import { findingsToCsv, findingsToSarif } from "../../lib/findings/export.ts";
import { exportFindings, findingPage, findingViewQuery, parseFindingView } from "../../lib/findings/queries.ts";
import { ORG_WIDE, loadVisibility } from "../../lib/findings/visibility.ts";
import { latestRepoConfig, listRepositories, repositoryPage, repositoryListParams, topOpenFindings } from "../../lib/repos/queries.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { runScan } from "../../lib/scan/pipeline.ts";
import { TestRepo } from "../support/git.ts";
import { usePipelineTest } from "../support/pipeline.ts";
import { SETTINGS_FORM } from "../support/fixtures.ts";

const p = usePipelineTest("codectx");
const vis = () => loadVisibility(p.t.db, ORG_WIDE);
const { t } = p;

// One eval (check test.python.eval, high) in each kind of file: production, example, test, docs-ish tooling.
const EVAL = "def handle(x):\n    return eval(x)\n";
let repo: TestRepo;
let repositoryId: string;
let lead: SignedInUser;

const BASE_SETTINGS = SETTINGS_FORM;

async function scan() {
  const { scan } = await enqueueScan(t.db, p.queues, repositoryId, "manual");
  expect(await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scan.id, { number: 1, max: 1 })).toBe(
    "succeeded",
  );
  return scan.id;
}

const byPath = async () => Object.fromEntries((await t.db.finding.findMany({ where: { repositoryId } })).map((f) => [f.path, f]));

async function count(contexts: string[]) {
  const r = await runAs(updateSettingsAction, { db: t.db, user: lead }, { ...BASE_SETTINGS, countedContexts: contexts });
  expect(r.ok).toBe(true);
}

beforeAll(async () => {
  const u = await t.db.user.create({ data: { email: "lead@example.test", name: "Lead", role: "security_lead", orgWide: true } });
  lead = { id: u.id, email: u.email, name: u.name, role: u.role, access: ORG_WIDE } as SignedInUser;
  repo = new TestRepo(p.work.path("ctx"));
  repo
    .write("app.py", EVAL)
    .write("examples/demo.py", EVAL)
    .write("tests/test_app.py", EVAL)
    .write(".github/scripts/release_check.py", EVAL)
    .commit("one");
  repositoryId = (await registerRepository(t.db, { url: repo.dir, team: "ml" }, true)).id;
  await scan();
});

describe("code context in the database", () => {
  it("stores each finding's context, and its events carry it", async () => {
    const f = await byPath();
    expect(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.codeContext]))).toEqual({
      "app.py": "production",
      "examples/demo.py": "example",
      "tests/test_app.py": "test",
      ".github/scripts/release_check.py": "build",
    });
    const events = await t.db.findingEvent.findMany({ where: { findingId: f["tests/test_app.py"]!.id } });
    expect(events.map((e) => [e.type, e.codeContext])).toEqual([["detected", "test"]]);
    // No .posture.yaml: nothing is recorded, and the page says so rather than showing empty lists.
    expect((await latestRepoConfig(t.db, repositoryId))?.config).toBeNull();
  });

  it("refreshes the context on rescan (same finding, its events follow) and keeps the .posture.yaml summary", async () => {
    const before = await byPath();
    repo
      .write(
        ".posture.yaml",
        "exclude:\n  - path: vendor\n    reason: vendored upstream code\ncontexts:\n  - path: tests/**\n    context: production\ndisable:\n  - check: test.python.timeout\n    paths: [scripts/**]\n    reason: dev-only helpers\n",
      )
      .write("vendor/lib.py", EVAL)
      .commit("posture config");
    await scan();
    const after = await byPath();
    expect(after["tests/test_app.py"]!.id).toBe(before["tests/test_app.py"]!.id);
    expect(after["tests/test_app.py"]!.codeContext).toBe("production");
    expect(after["vendor/lib.py"]).toBeUndefined();
    const events = await t.db.findingEvent.findMany({ where: { findingId: after["tests/test_app.py"]!.id } });
    expect(events.map((e) => e.codeContext)).toEqual(["production"]);

    const cfg = await latestRepoConfig(t.db, repositoryId);
    expect(cfg?.config).toEqual({
      exclusions: [{ path: "vendor", reason: "vendored upstream code" }],
      contextOverrides: [{ path: "tests/**", context: "production" }],
      disabledChecks: [{ check: "test.python.timeout", paths: ["scripts/**"], reason: "dev-only helpers" }],
    });

    // The override removed again: the finding is test code once more.
    repo.remove(".posture.yaml").remove("vendor/lib.py").commit("drop config");
    await scan();
    expect((await byPath())["tests/test_app.py"]!.codeContext).toBe("test");
    expect((await latestRepoConfig(t.db, repositoryId))?.config).toBeNull();
    const again = await t.db.findingEvent.findMany({ where: { findingId: after["tests/test_app.py"]!.id } });
    expect(again.every((e) => e.codeContext === "test")).toBe(true);
  });
});

describe("what the posture counts", () => {
  // Four high findings: production, example, test, build. Production and example always count.
  const figures = async () => {
    const v = await loadVisibility(t.db, ORG_WIDE);
    const [open, sla, heat, repos, [listed], trend, status, top] = await Promise.all([
      openFindings(t.db, { visibility: v }),
      slaView(t.db, { visibility: v }),
      heatmap(t.db, heatmapParams.parse({}), v),
      repositoryPage(t.db, repositoryListParams.parse({}), v),
      listRepositories(t.db, { id: repositoryId, visibility: v }),
      openTrend(t.db, { days: 3, visibility: v }),
      statusBreakdown(t.db, { visibility: v }),
      topOpenFindings(t.db, repositoryId, 20, v),
    ]);
    return {
      overview: open.open.high,
      sla: sla.bySeverity.find((s) => s.severity === "high")!.open,
      heatmap: heat.cells.reduce((n, c) => n + c.high, 0),
      repositoryList: repos.rows.find((r) => r.id === repositoryId)!.openFindings.high,
      grade: listed!.openFindings.high,
      trendToday: trend.at(-1)!.high,
      remediation: status.totals.open,
      topFindings: top.length,
    };
  };
  const all = (n: number) => ({
    overview: n,
    sla: n,
    heatmap: n,
    repositoryList: n,
    grade: n,
    trendToday: n,
    remediation: n,
    topFindings: n,
  });

  it("counts production and example by default, and test and build findings when the setting says so", async () => {
    expect(await figures()).toEqual(all(2));
    await count(["test"]);
    expect((await t.db.settings.findUniqueOrThrow({ where: { id: 1 } })).countedContexts).toEqual(["production", "example", "test"]);
    expect(await figures()).toEqual(all(3));
    await count(["test", "build", "docs"]);
    expect(await figures()).toEqual(all(4));
    // Production and example cannot be switched off: the form only offers the others, and a sent list is made whole.
    await count([]);
    expect((await t.db.settings.findUniqueOrThrow({ where: { id: 1 } })).countedContexts).toEqual(["production", "example"]);
    expect(await figures()).toEqual(all(2));
  });

  it("counts fixed findings for MTTR under the same rule", async () => {
    const f = await byPath();
    await t.db.finding.update({ where: { id: f["tests/test_app.py"]!.id }, data: { status: "fixed", fixedAt: new Date() } });
    try {
      expect((await mttr(t.db, { visibility: await vis(), days: 7 })).all.count).toBe(0);
      await count(["test"]);
      expect((await mttr(t.db, { visibility: await vis(), days: 7 })).all.count).toBe(1);
    } finally {
      await t.db.finding.update({ where: { id: f["tests/test_app.py"]!.id }, data: { status: "open", fixedAt: null } });
      await count([]);
    }
  });

  it("audits the setting with the rest, and refuses an unknown context naming the field", async () => {
    await count(["docs"]);
    const entry = await t.db.auditLog.findFirstOrThrow({ where: { action: "settings.update" }, orderBy: { createdAt: "desc" } });
    expect(entry.after).toMatchObject({ countedContexts: ["production", "example", "docs"] });
    expect(await runAs(updateSettingsAction, { db: t.db, user: lead }, { ...BASE_SETTINGS, countedContexts: ["generated"] })).toMatchObject(
      {
        ok: false,
        field: "countedContexts.0",
      },
    );
    await count([]);
  });
});

describe("the findings view, API and exports", () => {
  const paths = async (q: Record<string, string>) =>
    (await findingPage(t.db, parseFindingView(q), undefined, new Date(), await vis())).rows.map((r) => r.path).sort();

  it("shows the counted contexts by default, one or several on request, or all; the filter lives in the URL", async () => {
    expect(await paths({})).toEqual(["app.py", "examples/demo.py"]);
    expect(await paths({ context: "test" })).toEqual(["tests/test_app.py"]);
    expect(await paths({ context: "test,build" })).toEqual([".github/scripts/release_check.py", "tests/test_app.py"]);
    expect(await paths({ context: "all" })).toHaveLength(4);
    // An unknown value falls back to the default view rather than failing the page.
    expect(await paths({ context: "bogus" })).toEqual(["app.py", "examples/demo.py"]);
    expect(findingViewQuery(parseFindingView({ context: "test,build" }))).toBe("context=test%2Cbuild");
    expect(findingViewQuery(parseFindingView({}))).toBe("");
    const row = (await findingPage(t.db, parseFindingView({ context: "test" }), undefined, new Date(), await vis())).rows[0]!;
    expect(row.codeContext).toBe("test");
    // The default follows the setting, so a figure and the list behind it agree.
    await count(["test"]);
    expect(await paths({})).toEqual(["app.py", "examples/demo.py", "tests/test_app.py"]);
    await count([]);
  });

  it("exports the context in CSV and SARIF", async () => {
    const { findings } = await exportFindings(t.db, parseFindingView({ context: "all" }), undefined, 50_000, new Date(), await vis());
    const csv = findingsToCsv(findings).trim().split("\r\n");
    const at = csv[0]!.split(",").indexOf("context");
    expect(at).toBeGreaterThan(0);
    expect(
      csv
        .slice(1)
        .map((l) => l.split(",")[at])
        .sort(),
    ).toEqual(["build", "example", "production", "test"]);
    const sarif = await findingsToSarif(t.db, findings, "0.0.0");
    expect(sarif.runs[0]!.results!.map((r) => r.properties?.context).sort()).toEqual(["build", "example", "production", "test"]);
  });

  it("GET /findings returns each finding's context and filters by it", async () => {
    process.env.DATABASE_URL = t.url;
    const route = (await import("../../app/api/v1/findings/route.ts")) as unknown as Record<string, (req: Request) => Promise<Response>>;
    const token = (await createApiToken(t.db, { userId: lead.id, name: "t", scope: "read" })).token;
    const get = async (q: string) => {
      const res = await route.GET!(new Request(`http://localhost/api/v1/findings${q}`, { headers: { authorization: `Bearer ${token}` } }));
      return {
        status: res.status,
        body: (await res.json()) as { items?: { path: string; codeContext: string }[]; error?: { code: string; message: string } },
      };
    };
    // The dashboard's meaning: absent, the contexts the org counts; "all", every one.
    expect((await get("")).body.items!.map((i) => i.codeContext).sort()).toEqual(["example", "production"]);
    const every = await get("?context=all");
    expect(every.body.items!.map((i) => i.codeContext).sort()).toEqual(["build", "example", "production", "test"]);
    expect((await get("?context=test,example")).body.items!.map((i) => i.path).sort()).toEqual(["examples/demo.py", "tests/test_app.py"]);
    const bad = await get("?context=generated");
    expect(bad.status).toBe(400);
    expect(bad.body.error!.code).toBe("invalid_input");
  });
});
