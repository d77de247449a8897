import { ApiError, repositoryRoute } from "@/lib/api/http.ts";
import { restoreRepository } from "@/lib/repos/service.ts";
import { getDb } from "@/lib/server/context.ts";

/** Undoes `DELETE /api/v1/repositories/:id`: the repository takes scans again; audited as repository.restore. */
export const POST = repositoryRoute<{ id: string }>(getDb, "repositories:archive", async ({ params, actor }) => {
  const repo = await restoreRepository(getDb(), params.id, actor);
  if (!repo) throw new ApiError(404, "not_found", "no such repository");
  return Response.json({ repository: repo });
});
