import { repositoryRoute } from "@/lib/api/http.ts";
import { scanHistory } from "@/lib/repos/queries.ts";
import { enqueueScan } from "@/lib/scan/enqueue.ts";
import { getDb, getQueues } from "@/lib/server/context.ts";

export const GET = repositoryRoute<{ id: string }>(getDb, "repositories:read", async ({ params }) =>
  Response.json({ scans: await scanHistory(getDb(), params.id) }),
);

export const POST = repositoryRoute<{ id: string }>(getDb, "scans:trigger", async ({ params, actor }) => {
  const { scan, created } = await enqueueScan(getDb(), getQueues(), params.id, "api", actor);
  return Response.json({ scan, created }, { status: created ? 202 : 200 });
});
