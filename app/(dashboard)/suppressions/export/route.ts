import { exportSuppressions, SUPPRESSIONS_EXPORT_LIMIT } from "@/lib/suppressions/export.ts";
import { suppressionViewParams } from "@/lib/suppressions/queries.ts";
import { searchParams } from "@/lib/api/http.ts";
import { getDb } from "@/lib/server/context.ts";
import { sessionRoute } from "@/lib/server/route.ts";

/** The Suppressions page's current filter as CSV; another team's repository or team answers 404. */
export const GET = sessionRoute("suppressions:read", async ({ req, user }) => {
  const { page: _, ...criteria } = suppressionViewParams.parse(searchParams(req));
  const { csv, truncated } = await exportSuppressions(getDb(), criteria, user.access);
  return new Response(csv, {
    headers: {
      "cache-control": "no-store",
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="posture-suppressions-${new Date().toISOString().slice(0, 10)}.csv"`,
      "x-posture-export-limit": String(SUPPRESSIONS_EXPORT_LIMIT),
      "x-posture-export-truncated": String(truncated),
    },
  });
});
