import { ApiError, apiRoute } from "@/lib/api/http.ts";
import { getDb } from "@/lib/server/context.ts";

export const GET = apiRoute<{ id: string }>(getDb, "repositories:read", async ({ params }) => {
  const scan = await getDb().scan.findUnique({ where: { id: params.id } });
  if (!scan) throw new ApiError(404, "not_found", "no such scan");
  return Response.json({ scan });
});
