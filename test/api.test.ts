/**
 * The HTTP API's route handlers, called in-process with real Requests, against real Postgres and Redis.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../lib/auth/tokens.ts";
import { runScan } from "../lib/scan/pipeline.ts";
import { TestRepo } from "./support/git.ts";
import { usePipelineTest } from "./support/pipeline.ts";

const p = usePipelineTest("api");
const { t, prefix, work } = p;
const tokens: Record<string, string> = {};

type Route = Record<string, (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>>;
let repositories: Route,
  bulk: Route,
  repository: Route,
  repoScans: Route,
  exportRoute: Route,
  restoreRoute: Route,
  scanRoute: Route,
  findings: Route,
  finding: Route;

beforeAll(async () => {
  // Triage itself is tested here: no severity waits for an approver (approvals: test/findings/exceptions.test.ts).
  await t.db.settings.upsert({
    where: { id: 1 },
    create: { id: 1, approveAcceptedRisk: [], approveFalsePositive: [] },
    update: { approveAcceptedRisk: [], approveFalsePositive: [] },
  });
  process.env.DATABASE_URL = t.url;
  process.env.POSTURE_QUEUE_PREFIX = prefix;
  process.env.POSTURE_ALLOW_LOCAL_REPOS = "1";
  for (const role of ["admin", "engineer", "viewer"] as const) {
    // Org-wide: the role dimension; the team dimension is test/authz-matrix.test.ts.
    const user = await t.db.user.create({ data: { email: `${role}@example.test`, name: role, role, orgWide: true } });
    tokens[role] = (await createApiToken(t.db, { userId: user.id, name: "t", scope: role === "viewer" ? "read" : "write" })).token;
    if (role === "engineer") {
      tokens.engineerRead = (await createApiToken(t.db, { userId: user.id, name: "ro", scope: "read" })).token;
      const revoked = await createApiToken(t.db, { userId: user.id, name: "old", scope: "write" });
      await t.db.apiToken.update({ where: { id: revoked.record.id }, data: { revokedAt: new Date() } });
      tokens.revoked = revoked.token;
      tokens.expired = (
        await createApiToken(t.db, { userId: user.id, name: "exp", scope: "write", expiresAt: new Date(Date.now() - 1000) })
      ).token;
    }
  }
  repositories = (await import("../app/api/v1/repositories/route.ts")) as unknown as Route;
  bulk = (await import("../app/api/v1/repositories/bulk/route.ts")) as unknown as Route;
  repository = (await import("../app/api/v1/repositories/[id]/route.ts")) as unknown as Route;
  repoScans = (await import("../app/api/v1/repositories/[id]/scans/route.ts")) as unknown as Route;
  exportRoute = (await import("../app/api/v1/repositories/[id]/export/route.ts")) as unknown as Route;
  restoreRoute = (await import("../app/api/v1/repositories/[id]/restore/route.ts")) as unknown as Route;
  scanRoute = (await import("../app/api/v1/scans/[id]/route.ts")) as unknown as Route;
  findings = (await import("../app/api/v1/findings/route.ts")) as unknown as Route;
  finding = (await import("../app/api/v1/findings/[id]/route.ts")) as unknown as Route;
});

function call(
  route: Route,
  method: string,
  opts: {
    token?: string;
    body?: unknown;
    raw?: string;
    path?: string;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined || opts.raw !== undefined) {
    body = opts.raw ?? JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const req = new Request(`http://localhost/api/v1${opts.path ?? ""}`, { method, headers, body });
  return route[method]!(req, { params: Promise.resolve(opts.params ?? {}) });
}

async function json(res: Response) {
  return { status: res.status, body: await res.json() };
}

describe("authentication and authorisation", () => {
  it("refuses requests without a valid token, with a JSON error", async () => {
    for (const token of [undefined, "pst_nope", tokens.revoked, tokens.expired, "Basic abc"]) {
      const r = await json(await call(repositories, "GET", { token }));
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("unauthenticated");
    }
  });

  it("lets a viewer read but not write, and a read token never write", async () => {
    expect((await call(repositories, "GET", { token: tokens.viewer })).status).toBe(200);
    const viewer = await json(
      await call(repositories, "POST", { token: tokens.viewer, body: { url: "https://example.com/o/r", team: "t" } }),
    );
    expect([viewer.status, viewer.body.error.code]).toEqual([403, "insufficient_scope"]);
    const readOnly = await json(
      await call(repositories, "POST", { token: tokens.engineerRead, body: { url: "https://example.com/o/r", team: "t" } }),
    );
    expect([readOnly.status, readOnly.body.error.code]).toEqual([403, "insufficient_scope"]);
  });
});

describe("repositories", () => {
  const repo = new TestRepo(work.path("svc"));
  let repoId: string;
  let scanId: string;

  it("registers one repository and queues its first scan", async () => {
    repo.write("app.py", "def handle(x):\n    return eval(x)\n").write("=cmd.py", "eval(y)\n").commit("init");
    const r = await json(
      await call(repositories, "POST", { token: tokens.engineer, body: { url: repo.dir, team: "ml-platform", name: "svc" } }),
    );
    expect(r.status).toBe(201);
    expect(r.body.repository).toMatchObject({ name: "svc", url: repo.dir });
    expect(r.body.scanId).toBeTruthy();
    repoId = r.body.repository.id;
    scanId = r.body.scanId;
    const status = await json(await call(scanRoute, "GET", { token: tokens.viewer, params: { id: scanId } }));
    expect(status.body.scan.status).toBe("queued");
  });

  it("answers bad input with the right status and a clear message", async () => {
    const cases: [Parameters<typeof call>[2], number, string][] = [
      [{ body: { url: repo.dir, team: "ml-platform" } }, 409, "duplicate"],
      [{ body: { url: "ftp://example.com/x", team: "ml-platform" } }, 400, "invalid_url"],
      [{ body: { url: "https://example.com/o/r" } }, 400, "invalid_input"],
      [{ raw: "{not json" }, 400, "invalid_json"],
      [{ raw: "{}", headers: { "content-type": "text/plain" } }, 415, "unsupported_media_type"],
      [{ raw: JSON.stringify({ url: "x".repeat(2 * 1024 * 1024), team: "t" }) }, 413, "payload_too_large"],
    ];
    for (const [opts, status, code] of cases) {
      const r = await json(await call(repositories, "POST", { token: tokens.engineer, ...opts }));
      expect([r.status, r.body.error.code], JSON.stringify(opts).slice(0, 80)).toEqual([status, code]);
      expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+|prisma|SELECT /i);
    }
  });

  it("registers in bulk with a result per line", async () => {
    const other = new TestRepo(work.path("other"));
    other.write("a.py", "x = 1\n").commit("init");
    const r = await json(
      await call(bulk, "POST", { token: tokens.engineer, body: { urls: `${other.dir}\nnot-a-url\n${repo.dir}`, team: "ml-platform" } }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ registered: 1, failed: 2 });
    expect(r.body.results.map((x: { ok: boolean; error?: { code: string } }) => x.error?.code ?? "ok")).toEqual([
      "ok",
      "invalid_url",
      "duplicate",
    ]);
  });

  it("triggers a scan, or returns the one already queued", async () => {
    const again = await json(await call(repoScans, "POST", { token: tokens.engineer, params: { id: repoId } }));
    expect([again.status, again.body.created, again.body.scan.id]).toEqual([200, false, scanId]);
    await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scanId, { number: 1, max: 3 });
    const done = await json(await call(scanRoute, "GET", { token: tokens.viewer, params: { id: scanId } }));
    expect(done.body.scan).toMatchObject({ status: "succeeded", findingsNew: 2 });
    const fresh = await json(await call(repoScans, "POST", { token: tokens.engineer, params: { id: repoId } }));
    expect([fresh.status, fresh.body.created]).toEqual([202, true]);
    const history = await json(await call(repoScans, "GET", { token: tokens.viewer, params: { id: repoId } }));
    expect(history.body.scans).toHaveLength(2);
  });

  it("lists repositories with their open findings and last scan", async () => {
    const r = await json(await call(repository, "GET", { token: tokens.viewer, params: { id: repoId } }));
    expect(r.body.repository.openFindings).toEqual({ critical: 0, high: 2, medium: 0, low: 0 });
    expect(r.body.repository.lastScan.status).toBe("queued");
    expect((await call(repository, "GET", { token: tokens.viewer, params: { id: "nope" } })).status).toBe(404);
  });

  it("exports open findings as SARIF and as CSV that spreadsheets cannot execute", async () => {
    const sarifRes = await call(exportRoute, "GET", {
      token: tokens.viewer,
      params: { id: repoId },
      path: `/repositories/${repoId}/export?format=sarif`,
    });
    expect(sarifRes.headers.get("content-type")).toBe("application/sarif+json");
    const sarif = JSON.parse(await sarifRes.text());
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(["test.python.eval", "test.python.eval"]);
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toContain("test.python.eval");

    const csvRes = await call(exportRoute, "GET", {
      token: tokens.viewer,
      params: { id: repoId },
      path: `/repositories/${repoId}/export?format=csv`,
    });
    expect(csvRes.headers.get("content-disposition")).toContain("svc-findings.csv");
    const lines = (await csvRes.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,repository,path,line,severity,status,policy,check,framework,message,first_seen,due,assignee,fingerprint,context,reason,accepted_until,url,requested_by,approved_by,exception",
    );
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes("cmd.py"))).toContain(",'=cmd.py,");
    expect((await call(exportRoute, "GET", { token: tokens.viewer, params: { id: repoId }, path: `/x?format=pdf` })).status).toBe(400);
  });

  it("lets an admin archive but not an engineer; archived repositories take no scans", async () => {
    expect((await call(repository, "DELETE", { token: tokens.engineer, params: { id: repoId } })).status).toBe(403);
    // First finish the queued scan so archiving is the only thing in the way.
    await t.db.scan.updateMany({ where: { repositoryId: repoId, status: "queued" }, data: { status: "failed" } });
    const archived = await json(await call(repository, "DELETE", { token: tokens.admin, params: { id: repoId } }));
    expect(archived.status).toBe(200);
    expect(archived.body.repository.archivedAt).toBeTruthy();
    const refused = await json(await call(repoScans, "POST", { token: tokens.engineer, params: { id: repoId } }));
    expect([refused.status, refused.body.error.code]).toEqual([409, "archived"]);
    expect(await t.db.finding.count({ where: { repositoryId: repoId } })).toBe(2);
  });

  it("restores an archived repository (security lead or admin), audited; it takes scans again", async () => {
    expect((await call(restoreRoute, "POST", { token: tokens.engineer, params: { id: repoId } })).status).toBe(403);
    expect((await call(restoreRoute, "POST", { token: tokens.admin, params: { id: "nope" } })).status).toBe(404);
    const restored = await json(await call(restoreRoute, "POST", { token: tokens.admin, params: { id: repoId } }));
    expect(restored.status).toBe(200);
    expect(restored.body.repository.archivedAt).toBeNull();
    expect(await t.db.auditLog.count({ where: { action: "repository.restore", targetId: repoId } })).toBe(1);
    // Restoring twice changes nothing and writes nothing more.
    expect((await call(restoreRoute, "POST", { token: tokens.admin, params: { id: repoId } })).status).toBe(200);
    expect(await t.db.auditLog.count({ where: { action: "repository.restore", targetId: repoId } })).toBe(1);
    const scan = await call(repoScans, "POST", { token: tokens.engineer, params: { id: repoId } });
    expect([200, 202]).toContain(scan.status);
    await t.db.scan.updateMany({ where: { repositoryId: repoId, status: "queued" }, data: { status: "failed" } });
  });
});

describe("findings", () => {
  it("filters and pages with a cursor, never skipping or repeating", async () => {
    const all = await json(await call(findings, "GET", { token: tokens.viewer, path: "/findings?severity=high&status=open" }));
    expect(all.body.items).toHaveLength(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await json(
        await call(findings, "GET", { token: tokens.viewer, path: `/findings?limit=1${cursor ? `&cursor=${cursor}` : ""}` }),
      );
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(all.body.items.map((i: { id: string }) => i.id).sort());
    expect((await json(await call(findings, "GET", { token: tokens.viewer, path: "/findings?severity=urgent" }))).status).toBe(400);
    expect((await json(await call(findings, "GET", { token: tokens.viewer, path: "/findings?cursor=garbage" }))).body.error.code).toBe(
      "invalid_input",
    );
    expect((await json(await call(findings, "GET", { token: tokens.viewer, path: "/findings?framework=bentoml" }))).body.items).toEqual([]);
  });

  it("updates one finding with the rules of triage and records who did it", async () => {
    const [f] = (await json(await call(findings, "GET", { token: tokens.viewer, path: "/findings?limit=1" }))).body.items;
    const missingReason = await json(
      await call(finding, "PATCH", { token: tokens.engineer, params: { id: f.id }, body: { status: "false_positive" } }),
    );
    expect([missingReason.status, missingReason.body.error.message]).toEqual([
      400,
      "reason: a reason is required to mark a finding false positive",
    ]);
    expect((await call(finding, "PATCH", { token: tokens.viewer, params: { id: f.id }, body: { comment: "hi" } })).status).toBe(403);
    const ok = await json(
      await call(finding, "PATCH", {
        token: tokens.engineer,
        params: { id: f.id },
        body: { status: "false_positive", reason: "test fixture", comment: "checked" },
      }),
    );
    expect([ok.status, ok.body.finding.status]).toEqual([200, "false_positive"]);
    const detail = await json(await call(finding, "GET", { token: tokens.viewer, params: { id: f.id } }));
    const engineer = await t.db.user.findUniqueOrThrow({ where: { email: "engineer@example.test" } });
    expect(
      detail.body.finding.events
        .filter((e: { actorId: string }) => e.actorId === engineer.id)
        .map((e: { type: string }) => e.type)
        .sort(),
    ).toEqual(["commented", "status_changed"]);
    expect((await call(finding, "PATCH", { token: tokens.engineer, params: { id: "nope" }, body: { comment: "x" } })).status).toBe(404);
  });

  it("updates findings in bulk", async () => {
    const ids = (await json(await call(findings, "GET", { token: tokens.viewer, path: "/findings" }))).body.items.map(
      (i: { id: string }) => i.id,
    );
    const r = await json(await call(findings, "PATCH", { token: tokens.engineer, body: { ids, change: { status: "in_progress" } } }));
    expect(r.body.updated).toBe(ids.length);
    expect(await t.db.finding.count({ where: { id: { in: ids }, status: "in_progress" } })).toBe(ids.length);
  });
});

describe("audit log", () => {
  it("records registrations, scan triggers, archival and triage with the token's user and before/after", async () => {
    const rows = await t.db.auditLog.findMany({ orderBy: { createdAt: "asc" } });
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ["repository.register", "scan.trigger", "repository.archive", "finding.triage"]) expect(actions.has(a), a).toBe(true);
    const archive = rows.find((r) => r.action === "repository.archive")!;
    expect(archive.actorLabel).toBe("admin@example.test (API token)");
    expect(archive.before).toEqual({ archivedAt: null });
    const triage = rows.filter((r) => r.action === "finding.triage");
    expect(triage.every((r) => r.actorLabel === "engineer@example.test (API token)")).toBe(true);
    expect(
      triage.some(
        (r) => (r.before as { status: string }).status === "open" && (r.after as { status?: string }).status === "false_positive",
      ),
    ).toBe(true);
    // Refused requests change nothing and so write nothing.
    expect(rows.filter((r) => r.actorLabel.startsWith("viewer@"))).toEqual([]);
  });
});

describe("text no query can hold (issue 15 §5)", () => {
  // Each of these was a 500: PostgreSQL refuses NUL in text and jsonb, and an unpaired surrogate in jsonb.
  const refused = (r: { status: number; body: { error: { code: string; message: string } } }, field: string) => {
    expect([r.status, r.body.error.code]).toEqual([400, "invalid_input"]);
    expect(r.body.error.message).toBe(
      `${field}: contains a NUL character or an unpaired surrogate, which is not text this application accepts`,
    );
  };

  it("refuses NUL in query parameters with a 400 that names the parameter", async () => {
    for (const [q, field] of [
      ["repository=%00", "repository"],
      ["team=a%00b", "team"],
      ["check=x%00", "check"],
      ["assignee=%00", "assignee"],
      ["cursor=%00", "cursor"],
      ["%00=1", "\u0000"],
    ] as const) {
      refused(await json(await call(findings, "GET", { token: tokens.viewer, path: `/findings?${q}` })), field);
    }
  });

  it("refuses NUL and unpaired surrogates anywhere in PATCH and POST bodies, keys included", async () => {
    const [f] = (await json(await call(findings, "GET", { token: tokens.viewer, path: "/findings?limit=1" }))).body.items;
    const before = await t.db.findingEvent.count();
    refused(
      await json(await call(findings, "PATCH", { token: tokens.engineer, body: { ids: ["a\u0000"], change: { status: "open" } } })),
      "ids.0",
    );
    refused(
      await json(await call(findings, "PATCH", { token: tokens.engineer, body: { ids: ["\ud800"], change: { status: "open" } } })),
      "ids.0",
    );
    refused(
      await json(await call(findings, "PATCH", { token: tokens.engineer, body: { ids: [f.id], change: { comment: "x\udc00y" } } })),
      "change.comment",
    );
    refused(
      await json(await call(finding, "PATCH", { token: tokens.engineer, params: { id: f.id }, body: { comment: "hi\u0000" } })),
      "comment",
    );
    refused(
      await json(
        await call(finding, "PATCH", {
          token: tokens.engineer,
          params: { id: f.id },
          body: { status: "false_positive", reason: "\ud83d" },
        }),
      ),
      "reason",
    );
    refused(
      await json(await call(finding, "PATCH", { token: tokens.engineer, params: { id: f.id }, raw: '{"comment":"ok","\\u0000":1}' })),
      "\u0000",
    );
    refused(
      await json(await call(repositories, "POST", { token: tokens.engineer, body: { url: "https://example.com/o/nul", team: "t\u0000" } })),
      "team",
    );
    refused(
      await json(await call(repositories, "POST", { token: tokens.engineer, body: { url: "https://example.com/o/sur", team: "t\ud800" } })),
      "team",
    );
    refused(
      await json(await call(bulk, "POST", { token: tokens.engineer, body: { urls: ["https://example.com/o/a\u0000"], team: "t" } })),
      "urls.0",
    );
    expect(await t.db.findingEvent.count()).toBe(before);
    expect(await t.db.repository.count({ where: { url: { startsWith: "https://example.com/o/" } } })).toBe(0);
  });

  it("still takes real text, emoji (paired surrogates) included", async () => {
    const [f] = (await json(await call(findings, "GET", { token: tokens.viewer, path: "/findings?limit=1" }))).body.items;
    const ok = await json(
      await call(finding, "PATCH", { token: tokens.engineer, params: { id: f.id }, body: { comment: "checked 🙂 — naïve" } }),
    );
    expect(ok.status).toBe(200);
    expect(
      (await t.db.findingEvent.findFirstOrThrow({ where: { findingId: f.id, type: "commented" }, orderBy: { createdAt: "desc" } })).comment,
    ).toBe("checked 🙂 — naïve");
  });
});
