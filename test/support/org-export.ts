import type { Db } from "../../lib/db/client.ts";
import { exportFindings, parseFindingView } from "../../lib/findings/queries.ts";
import { loadVisibility, ORG_WIDE } from "../../lib/findings/visibility.ts";

/**
 * The org-wide export of every finding with one status, in every code context, as the dashboard's export
 * gives it to someone who sees the whole organisation (no "mine" filter, so no user).
 */
export async function orgWideExport(db: Db, status: string, limit = 50_000) {
  const { findings } = await exportFindings(
    db,
    parseFindingView({ status, context: "all" }),
    undefined,
    limit,
    new Date(),
    await loadVisibility(db, ORG_WIDE),
  );
  return findings;
}
