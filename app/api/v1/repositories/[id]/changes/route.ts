import { ApiError, parseWith, repositoryRoute, searchParams } from "@/lib/api/http.ts";
import { changeScans } from "@/lib/changes/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { z } from "zod";

const query = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** The repository's change scans (pull and merge requests), newest first, each with its first new findings. */
export const GET = repositoryRoute<{ id: string }>(getDb, "repositories:read", async ({ req, params }) => {
  const { limit } = parseWith(query, searchParams(req));
  const repo = await getDb().repository.findUnique({ where: { id: params.id }, select: { id: true } });
  if (!repo) throw new ApiError(404, "not_found", "no such repository");
  return Response.json({ changes: await changeScans(getDb(), params.id, { take: limit, findings: 20 }) });
});
