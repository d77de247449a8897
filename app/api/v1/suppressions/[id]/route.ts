import { apiRoute } from "@/lib/api/http.ts";
import { SuppressionNotFound, suppressionById } from "@/lib/suppressions/queries.ts";
import { getDb } from "@/lib/server/context.ts";

export const GET = apiRoute<{ id: string }>(getDb, "suppressions:read", async ({ principal, params }) => {
  const item = await suppressionById(getDb(), params.id, principal.user.access);
  if (!item) throw new SuppressionNotFound("suppression");
  return Response.json(item);
});
