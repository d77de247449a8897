import { apiRoute } from "@/lib/api/http.ts";
import { requestRescanAll } from "@/lib/scan/enqueue.ts";
import { getDb, getQueues } from "@/lib/server/context.ts";

export const POST = apiRoute(getDb, "scans:rescan-all", async ({ actor }) =>
  Response.json(await requestRescanAll(getDb(), getQueues(), actor), { status: 202 }),
);
