/**
 * Every SARIF Posture writes (the dashboard's org-wide and filtered exports, the API's per-repository export
 * and the CLI's) goes through Microsoft's SARIF validator with GitHub's ingestion rules (`validate --rule-kind
 * "Gh;Sarif"`), and any error fails the test. The validator is the real one from @microsoft/sarif-multitool;
 * its install script, which sets the binary's run bit, is skipped here (npm --ignore-scripts), so this sets it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Sarif from "sarif";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../lib/auth/tokens.ts";
import { frameworkToDb, syncCatalogue } from "../../lib/catalogue.ts";
import type { FindingStatus } from "../../lib/db/client.ts";
import { loadRulebook } from "../../lib/engine/rulebook.ts";
import { findingLocation, type Finding } from "../../lib/engine/types.ts";
import { CSV_COLUMNS, findingsToCsv, findingsToSarif, repositoryUri } from "../../lib/findings/export.ts";
import { scratch } from "../helpers.ts";
import { useTestDatabase } from "../support/db.ts";
import { orgWideExport } from "../support/org-export.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const t = useTestDatabase("sarifvalid");
const work = scratch("posture-sarif-");

function multitool(): string {
  const bin = createRequire(import.meta.url)("@microsoft/sarif-multitool") as string;
  chmodSync(bin, 0o755);
  return bin;
}

/** The validator's errors for a log (warnings and notes are not failures). */
function validate(name: string, log: unknown): string[] {
  const file = work.write(`${name}.sarif`, typeof log === "string" ? log : JSON.stringify(log, null, 2));
  const out = work.path(`${name}.validation.sarif`);
  const run = spawnSync(multitool(), ["validate", "--rule-kind", "Gh;Sarif", file, "--output", out, "--log", "ForceOverwrite"], {
    encoding: "utf8",
    timeout: 120_000,
  });
  // The tool must really have looked: a crash or a missing binary is not "no errors".
  expect(run.stdout, run.stderr).toContain("Analysis completed successfully");
  expect(existsSync(out)).toBe(true);
  const report = JSON.parse(readFileSync(out, "utf8")) as Sarif.Log;
  const errors = report.runs.flatMap((r) => r.results ?? []).filter((r) => r.level === "error");
  const lines = run.stdout.split("\n").filter((l) => /: error [A-Z]+\d+/.test(l));
  expect(lines.length).toBe(errors.length);
  return lines.map((l) => l.replace(file, name));
}

const REPOS = [
  { name: "serving", url: "https://github.com/acme/serving.git", branch: "main", sha: "a".repeat(40) },
  { name: "bento-svc", url: "git@gitlab.example.com:ml/bento-svc.git", branch: null, sha: "b".repeat(40) },
  { name: "local-train", url: "/srv/git/local-train", branch: "release/2", sha: "c".repeat(40) },
];
// Every status a finding can have, so each shape of result (suppressed, fixed) is in the logs validated.
const STATUSES: FindingStatus[] = ["open", "in_progress", "reopened", "false_positive", "accepted_risk", "fixed"];
const REASON: Partial<Record<FindingStatus, string>> = {
  false_positive: "only ever called with constants from our config",
  accepted_risk: "behind the VPN until the gateway lands",
};

const repoIds: string[] = [];
let token = "";

beforeAll(async () => {
  await syncCatalogue(t.db, loadRulebook(join(ROOT, "rules")));
  // Real findings of the real rulebook: the CLI's scan of the BentoML and Ray Serve fixtures.
  const scanned = ["rules/bentoml", "rules/ray-serve"].flatMap(
    (dir) =>
      (
        JSON.parse(
          execFileSync(join(ROOT, "bin/posture"), ["scan", dir, "--format", "json"], { cwd: ROOT, maxBuffer: 64 << 20 }).toString(),
        ) as { findings: Finding[] }
      ).findings,
  );
  expect(scanned.length).toBeGreaterThan(60);
  const policyOf = new Map((await t.db.check.findMany({ select: { id: true, policyId: true } })).map((c) => [c.id, c.policyId]));
  const team = await t.db.team.create({ data: { name: "ml" } });
  const now = new Date();
  for (const [i, r] of REPOS.entries()) {
    const repo = await t.db.repository.create({ data: { name: r.name, url: r.url, urlKey: r.url, branch: r.branch, teamId: team.id } });
    repoIds.push(repo.id);
    const scan = await t.db.scan.create({
      data: { repositoryId: repo.id, trigger: "manual", status: "succeeded", commitSha: r.sha, queuedAt: now, finishedAt: now },
    });
    // Overlapping slices: the same path shows up in several repositories, as service.py did in the issue.
    const mine = scanned.slice(i * 20, i * 20 + 40);
    await t.db.finding.createMany({
      data: mine.map((f, j) => {
        const status = STATUSES[j % STATUSES.length]!;
        return {
          repositoryId: repo.id,
          fingerprint: f.fingerprint,
          checkId: f.ruleId,
          policyId: policyOf.get(f.ruleId)!,
          framework: frameworkToDb(f.framework as Parameters<typeof frameworkToDb>[0]),
          severity: f.severity,
          status,
          triageDecision: status === "false_positive" || status === "accepted_risk" ? status : null,
          statusReason: REASON[status] ?? null,
          acceptedUntil: status === "accepted_risk" ? new Date(now.getTime() + 30 * 86_400_000) : null,
          ...findingLocation(f),
          codeContext: f.context,
          commitSha: r.sha,
          firstSeenAt: now,
          firstScanId: scan.id,
          lastSeenAt: now,
          lastScanId: scan.id,
          fixedAt: status === "fixed" ? now : null,
          dueAt: new Date(now.getTime() + 86_400_000),
        };
      }),
    });
  }
  const lead = await t.db.user.create({ data: { email: "lead@example.test", name: "Lead", role: "security_lead", orgWide: true } });
  token = (await createApiToken(t.db, { userId: lead.id, name: "t", scope: "read" })).token;
});

/** RFC 4180 rows: quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(cell), (cell = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), i++;
    else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

const results = (log: Sarif.Log) => log.runs.flatMap((r) => r.results ?? []);

describe("SARIF exports pass Microsoft's validator with GitHub's rules", () => {
  it("the validator fails a log GitHub would refuse (so a pass means something)", () => {
    const errors = validate("broken", {
      version: "2.1.0",
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      runs: [{ tool: { driver: { name: "x" } }, results: [{ message: { text: "m" } }] }],
    });
    expect(errors.join("\n")).toMatch(/GH1018/);
  });

  it("org-wide: one run per repository with provenance and automation id, suppressions for triaged findings, no fixed ones", async () => {
    const findings = await orgWideExport(t.db, "all");
    const log = await findingsToSarif(t.db, findings, "0.0.0", { baseUrl: "https://posture.example.com" });
    expect(log.runs.map((r) => r.versionControlProvenance?.[0]?.repositoryUri)).toEqual([
      "ssh://git@gitlab.example.com/ml/bento-svc.git",
      "file:///srv/git/local-train",
      "https://github.com/acme/serving.git",
    ]);
    expect(log.runs.map((r) => [r.versionControlProvenance?.[0]?.revisionId, r.versionControlProvenance?.[0]?.branch])).toEqual([
      ["b".repeat(40), undefined],
      ["c".repeat(40), "release/2"],
      ["a".repeat(40), "main"],
    ]);
    const ids = log.runs.map((r) => r.automationDetails?.id ?? "");
    expect(new Set(ids.map((id) => id.slice(0, id.lastIndexOf("/")))).size).toBe(3);
    const all = results(log);
    expect(all.length).toBe(findings.filter((f) => f.status !== "fixed").length);
    expect(all.some((r) => r.properties?.status === "fixed")).toBe(false);
    for (const r of all) {
      const status = r.properties?.status as FindingStatus;
      if (status === "false_positive" || status === "accepted_risk")
        expect(r.suppressions).toEqual([{ kind: "external", status: "accepted", justification: REASON[status] }]);
      else expect(r.suppressions).toBeUndefined();
      expect(r.properties?.url).toMatch(/^https:\/\/posture\.example\.com\/findings\/\w+$/);
    }
    // Each run's rules are the ones its results use, and each ruleIndex points at its rule.
    for (const run of log.runs) for (const r of run.results ?? []) expect(run.tool.driver.rules![r.ruleIndex!]!.id).toBe(r.ruleId);
    expect(validate("org-wide", log)).toEqual([]);
  });

  it("fixed findings are in only when asked for, as absent", async () => {
    const findings = await orgWideExport(t.db, "fixed");
    expect(findings.length).toBeGreaterThan(0);
    expect(results(await findingsToSarif(t.db, findings, "0.0.0"))).toHaveLength(0);
    const log = await findingsToSarif(t.db, findings, "0.0.0", { includeFixed: true });
    expect(results(log).map((r) => r.baselineState)).toEqual(findings.map(() => "absent"));
    expect(validate("fixed", log)).toEqual([]);
  });

  it("the API's per-repository export (SARIF and CSV)", async () => {
    process.env.DATABASE_URL = t.url;
    const route = (await import("../../app/api/v1/repositories/[id]/export/route.ts")) as unknown as {
      GET: (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
    };
    const get = (id: string, q: string) =>
      route.GET(
        new Request(`http://localhost:3000/api/v1/repositories/${id}/export?${q}`, { headers: { authorization: `Bearer ${token}` } }),
        { params: Promise.resolve({ id }) },
      );
    for (const [i, id] of repoIds.entries()) {
      for (const q of ["format=sarif", "format=sarif&fixed=include"]) {
        const res = await get(id, q);
        expect(res.status).toBe(200);
        const log = (await res.json()) as Sarif.Log;
        expect(log.runs).toHaveLength(1);
        expect(log.runs[0]!.versionControlProvenance![0]!.repositoryUri).toBe(repositoryUri(REPOS[i]!.url));
        expect(results(log).some((r) => r.baselineState === "absent")).toBe(q.includes("fixed=include"));
        expect(results(log).filter((r) => r.suppressions).length).toBeGreaterThan(0);
        expect(validate(`api-${i}-${q.replace(/\W/g, "_")}`, log)).toEqual([]);
      }
    }
    const csv = parseCsv(await (await get(repoIds[0]!, "format=csv")).text());
    expect(csv[0]).toEqual([...CSV_COLUMNS]);
    expect(CSV_COLUMNS.slice(-6)).toEqual(["reason", "accepted_until", "url", "requested_by", "approved_by", "exception"]);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const accepted = csv.find((l) => l[col("status")] === "accepted_risk")!;
    expect(accepted[col("reason")]).toBe(REASON.accepted_risk);
    expect(accepted[col("accepted_until")]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(accepted[col("url")]).toMatch(/^http:\/\/localhost:3000\/findings\/\w+$/);
    expect((await get(repoIds[0]!, "format=xml")).status).toBe(400);
  });

  it("CSV: reason, accepted until and the finding's URL", async () => {
    const findings = await orgWideExport(t.db, "false_positive");
    const lines = parseCsv(findingsToCsv(findings, { baseUrl: "https://posture.example.com" }));
    expect(lines).toHaveLength(findings.length + 1);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const first = lines[1]!;
    expect(first[col("status")]).toBe("false_positive");
    expect(first[col("reason")]).toBe(REASON.false_positive);
    expect(first[col("accepted_until")]).toBe("");
    expect(first[col("url")]).toBe(`https://posture.example.com/findings/${findings[0]!.id}`);
  });

  it("the CLI's SARIF", () => {
    const out = execFileSync(join(ROOT, "bin/posture"), ["scan", "rules/bentoml", "--format", "sarif"], {
      cwd: ROOT,
      maxBuffer: 64 << 20,
    }).toString();
    expect((JSON.parse(out) as Sarif.Log).runs[0]!.results!.length).toBeGreaterThan(0);
    expect(validate("cli", out)).toEqual([]);
  });
});
