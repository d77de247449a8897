import { ApiError, repositoryRoute } from "@/lib/api/http.ts";
import { findingsToCsv, findingsToSarif } from "@/lib/findings/export.ts";
import { OPEN_STATUSES } from "@/lib/findings/status.ts";
import { clientView, expectedOrigin } from "@/lib/security/forwarded.ts";
import { getDb } from "@/lib/server/context.ts";
import type { FindingStatus } from "@/lib/db/client.ts";
import pkg from "@/package.json";

/**
 * The repository's findings still in its code as SARIF (for code scanning) or CSV (for spreadsheets): open
 * ones, and false positives and accepted risks (in SARIF as suppressed results, so a code-scanning alert is
 * dismissed with the reason). `?fixed=include` adds the fixed ones.
 */
export const GET = repositoryRoute<{ id: string }>(getDb, "findings:read", async ({ req, params }) => {
  const query = new URL(req.url).searchParams;
  const format = query.get("format") ?? "sarif";
  if (format !== "sarif" && format !== "csv") throw new ApiError(400, "invalid_input", "format: sarif or csv");
  const fixed = query.get("fixed") ?? "exclude";
  if (fixed !== "include" && fixed !== "exclude") throw new ApiError(400, "invalid_input", "fixed: include or exclude");
  const db = getDb();
  const repo = await db.repository.findUnique({ where: { id: params.id }, select: { name: true } });
  if (!repo) throw new ApiError(404, "not_found", "no such repository");
  const statuses: FindingStatus[] = [
    ...OPEN_STATUSES,
    "false_positive",
    "accepted_risk",
    ...(fixed === "include" ? (["fixed"] as const) : []),
  ];
  const findings = await db.finding.findMany({
    where: { repositoryId: params.id, status: { in: statuses }, check: { enabled: true } },
    orderBy: [{ path: "asc" }, { line: "asc" }],
    include: {
      repository: { select: { name: true } },
      assignee: { select: { email: true } },
      exception: { select: { requestedBy: true, decidedBy: true, state: true, needsApproval: true } },
    },
  });
  const baseUrl = expectedOrigin(clientView(req.headers)) ?? new URL(req.url).origin;
  const safeName = repo.name.replace(/[^A-Za-z0-9._-]/g, "_");
  if (format === "csv") {
    return new Response(findingsToCsv(findings, { baseUrl }), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${safeName}-findings.csv"` },
    });
  }
  const sarif = await findingsToSarif(db, findings, pkg.version, { includeFixed: fixed === "include", baseUrl });
  return new Response(JSON.stringify(sarif, null, 2), {
    headers: { "content-type": "application/sarif+json", "content-disposition": `attachment; filename="${safeName}.sarif"` },
  });
});
