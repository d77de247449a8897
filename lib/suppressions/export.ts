/** The Suppressions page's filtered rows as CSV (issue 16 §3), cells guarded like the findings' CSV. */
import type { Db } from "../db/client.ts";
import type { AccessScope } from "../findings/visibility.ts";
import { csvCell } from "../findings/export.ts";
import { assertFiltersInScope, listSuppressions, suppressionFilters, type SuppressionCriteria, type SuppressionItem } from "./queries.ts";

export const SUPPRESSIONS_EXPORT_LIMIT = 10_000;

export const SUPPRESSION_CSV_COLUMNS = [
  "repository",
  "team",
  "kind",
  "check",
  "severity",
  "path",
  "line",
  "finding_line",
  "reason",
  "honoured",
  "author",
  "author_email",
  "authored_at",
  "commit",
  "url",
] as const;

export function suppressionsToCsv(items: readonly SuppressionItem[]): string {
  const lines = [SUPPRESSION_CSV_COLUMNS.join(",")];
  for (const s of items)
    lines.push(
      [
        s.repository.name,
        s.team.name,
        s.kind,
        s.checkId,
        s.severity,
        s.path,
        s.line,
        s.findingLine,
        s.reason,
        s.honoured,
        s.author?.name,
        s.author?.email,
        s.author?.at,
        s.commitSha,
        s.webUrl,
      ]
        .map(csvCell)
        .join(","),
    );
  return `${lines.join("\r\n")}\r\n`;
}

/** Every row of the filter (in the reader's scope), at most SUPPRESSIONS_EXPORT_LIMIT; says when it was cut short. */
export async function exportSuppressions(
  db: Db,
  criteria: SuppressionCriteria,
  access: AccessScope,
): Promise<{ csv: string; truncated: boolean }> {
  await assertFiltersInScope(db, criteria, access);
  const items: SuppressionItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await listSuppressions(db, suppressionFilters.parse({ ...criteria, limit: 500, ...(cursor ? { cursor } : {}) }), access);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < SUPPRESSIONS_EXPORT_LIMIT);
  return {
    csv: suppressionsToCsv(items.slice(0, SUPPRESSIONS_EXPORT_LIMIT)),
    truncated: items.length > SUPPRESSIONS_EXPORT_LIMIT || cursor !== undefined,
  };
}
