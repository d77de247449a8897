import { z } from "zod";
import { activeScans, ACTIVE_SCAN_LIMIT, WATCHED_REPOSITORIES_LIMIT } from "@/lib/repos/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { sessionRoute } from "@/lib/server/route.ts";

// Ids the page shows; anything else in the list is ignored rather than refused (a stale tab keeps working).
const watched = z
  .string()
  .max(WATCHED_REPOSITORIES_LIMIT * 70)
  .transform((s) =>
    s
      .split(",")
      .filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id))
      .slice(0, WATCHED_REPOSITORIES_LIMIT),
  )
  .catch([]);

/**
 * Live progress of queued and running scans (at most 200), and the active scan of each repository the page
 * names in `?repositories=`: polled by the repositories list and a repository's page (app/ui/repositories/live-scans.tsx).
 */
export const GET = sessionRoute("repositories:read", async ({ req, user }) => {
  const ids = watched.parse(new URL(req.url).searchParams.get("repositories") ?? "");
  return Response.json(await activeScans(getDb(), user.access, ACTIVE_SCAN_LIMIT, ids), { headers: { "Cache-Control": "no-store" } });
});
