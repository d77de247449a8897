import { z } from "zod";
import { errorResponse, parseWith, searchParams } from "@/lib/api/http.ts";
import { findingsToCsv, findingsToSarif } from "@/lib/findings/export.ts";
import { exportFindings, FINDINGS_EXPORT_LIMIT, parseFindingView } from "@/lib/findings/queries.ts";
import { clientView, expectedOrigin } from "@/lib/security/forwarded.ts";
import { loadVisibility } from "@/lib/findings/visibility.ts";
import { getDb } from "@/lib/server/context.ts";
import { sessionRoute } from "@/lib/server/route.ts";
import pkg from "@/package.json";

/**
 * The findings table's current filter, in its order, as CSV or SARIF: the same view parameters as the page,
 * at most FINDINGS_EXPORT_LIMIT findings (the response says when it was cut short). SARIF is of code as it
 * is, so fixed findings are in it only when the status filter names "fixed".
 */
export const GET = sessionRoute("findings:read", async ({ req, user }) => {
  const params = parseWith(z.record(z.string(), z.string()), searchParams(req));
  const format = params.format ?? "csv";
  if (format !== "csv" && format !== "sarif") return errorResponse(400, "invalid_input", "format: csv or sarif");
  delete params.format;
  const view = parseFindingView({ ...params, page: undefined });
  const db = getDb();
  const { findings, truncated } = await exportFindings(
    db,
    view,
    user.id,
    FINDINGS_EXPORT_LIMIT,
    new Date(),
    await loadVisibility(db, user.access),
  );
  const stamp = new Date().toISOString().slice(0, 10);
  const baseUrl = expectedOrigin(clientView(req.headers)) ?? new URL(req.url).origin;
  const headers: Record<string, string> = {
    "cache-control": "no-store",
    "x-posture-export-limit": String(FINDINGS_EXPORT_LIMIT),
    "x-posture-export-truncated": String(truncated),
  };
  if (format === "csv") {
    return new Response(findingsToCsv(findings, { baseUrl }), {
      headers: {
        ...headers,
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="posture-findings-${stamp}.csv"`,
      },
    });
  }
  const includeFixed = Array.isArray(view.status) && view.status.includes("fixed");
  const sarif = await findingsToSarif(db, findings, pkg.version, { includeFixed, baseUrl });
  return new Response(JSON.stringify(sarif), {
    headers: {
      ...headers,
      "content-type": "application/sarif+json",
      "content-disposition": `attachment; filename="posture-findings-${stamp}.sarif"`,
    },
  });
});
