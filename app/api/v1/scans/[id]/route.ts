import { ApiError, apiRoute } from "@/lib/api/http.ts";
import { scanInScope } from "@/lib/repos/queries.ts";
import { getDb } from "@/lib/server/context.ts";

export const GET = apiRoute<{ id: string }>(getDb, "repositories:read", async ({ params, principal }) => {
  const scan = await scanInScope(getDb(), params.id, principal.user.access);
  if (!scan) throw new ApiError(404, "not_found", "no such scan");
  return Response.json({ scan });
});
