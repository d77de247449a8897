import { apiRoute, parseWith, searchParams } from "@/lib/api/http.ts";
import { listSuppressions, suppressionFilters } from "@/lib/suppressions/queries.ts";
import { getDb } from "@/lib/server/context.ts";

export const GET = apiRoute(getDb, "suppressions:read", async ({ req, principal }) => {
  const filters = parseWith(suppressionFilters, searchParams(req));
  return Response.json(await listSuppressions(getDb(), filters, principal.user.access));
});
