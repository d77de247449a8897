import { z } from "zod";
import { apiRoute, parseWith, readJson, searchParams } from "@/lib/api/http.ts";
import { findingFilters, listFindings } from "@/lib/findings/queries.ts";
import { updateFindings } from "@/lib/findings/triage.ts";
import { loadVisibility } from "@/lib/findings/visibility.ts";
import { getDb } from "@/lib/server/context.ts";

export const GET = apiRoute(getDb, "findings:read", async ({ req, principal }) => {
  const filters = parseWith(findingFilters, searchParams(req));
  return Response.json(await listFindings(getDb(), filters, principal.user.id, await loadVisibility(getDb(), principal.user.access)));
});

const bulkChange = z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(1000), change: z.unknown() }).strict();

export const PATCH = apiRoute(getDb, "findings:triage", async ({ req, actor, principal }) => {
  const { ids, change } = await readJson(req, bulkChange);
  return Response.json({ updated: await updateFindings(getDb(), ids, change, actor, principal.user.access) });
});
