import { ApiError, repositoryRoute } from "@/lib/api/http.ts";
import { changeScan } from "@/lib/changes/queries.ts";
import { getDb } from "@/lib/server/context.ts";

/** One change scan: every new and fixed finding kept for it. */
export const GET = repositoryRoute<{ id: string; changeId: string }>(getDb, "repositories:read", async ({ params }) => {
  const change = await changeScan(getDb(), params.id, params.changeId);
  if (!change) throw new ApiError(404, "not_found", "no such change scan");
  return Response.json({ change });
});
