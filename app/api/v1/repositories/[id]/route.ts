import { ApiError, repositoryRoute } from "@/lib/api/http.ts";
import { archiveRepository } from "@/lib/repos/service.ts";
import { listRepositories } from "@/lib/repos/queries.ts";
import { loadVisibility } from "@/lib/findings/visibility.ts";
import { getDb } from "@/lib/server/context.ts";

export const GET = repositoryRoute<{ id: string }>(getDb, "repositories:read", async ({ params, principal }) => {
  const [repo] = await listRepositories(getDb(), { id: params.id, visibility: await loadVisibility(getDb(), principal.user.access) });
  if (!repo) throw new ApiError(404, "not_found", "no such repository");
  return Response.json({ repository: repo });
});

/** Archiving keeps the repository's findings and history; it only stops scans. */
export const DELETE = repositoryRoute<{ id: string }>(getDb, "repositories:archive", async ({ params, actor }) => {
  const repo = await archiveRepository(getDb(), params.id, actor);
  if (!repo) throw new ApiError(404, "not_found", "no such repository");
  return Response.json({ repository: repo });
});
