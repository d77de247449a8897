import { apiRoute, readJson } from "@/lib/api/http.ts";
import { registerBulk, registerBulkInput } from "@/lib/repos/service.ts";
import { getDb, getQueues } from "@/lib/server/context.ts";

export const POST = apiRoute(getDb, "repositories:register", async ({ req, actor }) => {
  const input = await readJson(req, registerBulkInput);
  const results = await registerBulk(getDb(), getQueues(), input, undefined, actor);
  return Response.json({ results, registered: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length });
});
