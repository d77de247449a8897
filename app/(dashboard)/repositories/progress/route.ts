import { activeScans } from "@/lib/repos/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { sessionRoute } from "@/lib/server/route.ts";

/** Live progress of queued and running scans (at most 200), polled by the repositories page. */
export const GET = sessionRoute("repositories:read", async () => Response.json(await activeScans(getDb()), { headers: { "Cache-Control": "no-store" } }));
