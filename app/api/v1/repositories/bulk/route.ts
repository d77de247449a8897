import { apiRoute, readJson } from "@/lib/api/http.ts";
import { credentialFor } from "@/lib/credentials/queries.ts";
import { registerBulk, registerBulkInput } from "@/lib/repos/service.ts";
import { getDb, getQueues } from "@/lib/server/context.ts";

export const POST = apiRoute(getDb, "repositories:register", async ({ req, actor, principal }) => {
  const input = await readJson(req, registerBulkInput);
  const registered = await registerBulk(getDb(), getQueues(), input, undefined, actor, principal.user.access);
  // Each registered line says which stored credential the worker will clone it with.
  const results = await Promise.all(registered.map(async (r) => (r.ok ? { ...r, credential: await credentialFor(getDb(), r.url) } : r)));
  return Response.json({ results, registered: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length });
});
