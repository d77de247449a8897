import { apiRoute, readJson } from "@/lib/api/http.ts";
import { credentialFor } from "@/lib/credentials/queries.ts";
import { listRepositories } from "@/lib/repos/queries.ts";
import { firstScan, registerRepository, registerRepositoryInput } from "@/lib/repos/service.ts";
import { loadVisibility } from "@/lib/findings/visibility.ts";
import { getDb, getQueues } from "@/lib/server/context.ts";

export const GET = apiRoute(getDb, "repositories:read", async ({ req, principal }) => {
  const includeArchived = new URL(req.url).searchParams.get("archived") === "include";
  return Response.json({
    repositories: await listRepositories(getDb(), { includeArchived, visibility: await loadVisibility(getDb(), principal.user.access) }),
  });
});

export const POST = apiRoute(getDb, "repositories:register", async ({ req, actor, principal }) => {
  const input = await readJson(req, registerRepositoryInput);
  const repository = await registerRepository(getDb(), input, undefined, actor, principal.user.access);
  const scan = await firstScan(getDb(), getQueues(), repository.id, actor);
  // Which stored credential the worker will clone it with (null: none matches, cloned anonymously).
  const credential = await credentialFor(getDb(), repository.url);
  return Response.json(
    { repository, credential, scanId: scan.scanId ?? null, ...(scan.error ? { warning: scan.error } : {}) },
    { status: 201 },
  );
});
