import { ApiError, apiRoute } from "@/lib/api/http.ts";
import { findingsToCsv, findingsToSarif } from "@/lib/findings/export.ts";
import { OPEN_STATUSES } from "@/lib/findings/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import pkg from "@/package.json";

/** The repository's open findings as SARIF (for code scanning) or CSV (for spreadsheets). */
export const GET = apiRoute<{ id: string }>(getDb, "findings:read", async ({ req, params }) => {
  const format = new URL(req.url).searchParams.get("format") ?? "sarif";
  if (format !== "sarif" && format !== "csv") throw new ApiError(400, "invalid_input", "format: sarif or csv");
  const db = getDb();
  const repo = await db.repository.findUnique({ where: { id: params.id }, select: { name: true } });
  if (!repo) throw new ApiError(404, "not_found", "no such repository");
  const findings = await db.finding.findMany({
    where: { repositoryId: params.id, status: { in: [...OPEN_STATUSES] }, check: { enabled: true } },
    orderBy: [{ path: "asc" }, { line: "asc" }],
    include: { repository: { select: { name: true } }, assignee: { select: { email: true } } },
  });
  const safeName = repo.name.replace(/[^A-Za-z0-9._-]/g, "_");
  if (format === "csv") {
    return new Response(findingsToCsv(findings), { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${safeName}-findings.csv"` } });
  }
  const sarif = await findingsToSarif(db, findings, pkg.version);
  return new Response(JSON.stringify(sarif, null, 2), { headers: { "content-type": "application/sarif+json", "content-disposition": `attachment; filename="${safeName}.sarif"` } });
});
