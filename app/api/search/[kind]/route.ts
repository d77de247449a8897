import { searchParams } from "@/lib/api/http.ts";
import { searchFromParams } from "@/lib/search/queries.ts";
import { getDb } from "@/lib/server/context.ts";
import { sessionRoute } from "@/lib/server/route.ts";

/**
 * The pickers' search (app/ui/combobox/): `?q=&page=&limit=` (`repository=` for users, `team=` for members), within the signed-in
 * user's scope; ids and display fields only. Parameters are checked strictly: a bad one is a 400 naming it.
 */
export const GET = sessionRoute<{ kind: string }>("findings:read", async ({ req, user, params }) =>
  Response.json(await searchFromParams(getDb(), user, params.kind, searchParams(req)), {
    headers: { "Cache-Control": "private, no-store" },
  }),
);
