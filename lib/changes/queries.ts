/** Reads of change scans (pull and merge requests) for a repository's page and the API. */
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { CODE_CONTEXTS, SEVERITIES } from "../engine/types.ts";

const text = (max: number) => z.unknown().transform((v) => String(v ?? "").slice(0, max));
/** A stored finding's JSON comes from the scanned code: checked and bounded before it is shown. */
const storedFinding = z.object({
  checkId: text(200),
  severity: z.enum(SEVERITIES),
  path: text(1000),
  line: z.coerce.number().int().catch(0),
  message: text(2000),
  snippet: text(2000),
  fingerprint: text(200),
  context: z.enum(CODE_CONTEXTS).catch("production"),
});
const storedFindings = z.array(storedFinding).catch([]);
export type ChangeFinding = z.infer<typeof storedFinding>;

const counts = z
  .object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number() })
  .catch({ critical: 0, high: 0, medium: 0, low: 0 });

const LIST = {
  id: true,
  repositoryId: true,
  number: true,
  title: true,
  url: true,
  headRef: true,
  headSha: true,
  baseRef: true,
  baseSha: true,
  status: true,
  policyMode: true,
  blockAt: true,
  introduced: true,
  fixed: true,
  unchanged: true,
  introducedCounts: true,
  forgeResult: true,
  failureReason: true,
  queuedAt: true,
  finishedAt: true,
} as const;

function shape<T extends { introducedCounts: unknown; queuedAt: Date; finishedAt: Date | null }>(r: T) {
  const { introducedCounts, ...rest } = r;
  return { ...rest, introducedBySeverity: counts.parse(introducedCounts ?? {}) };
}

/** The newest change scans of a repository, with the new findings of each (up to `findings` per change). */
export async function changeScans(db: Db, repositoryId: string, opts: { take?: number; findings?: number } = {}) {
  const rows = await db.changeScan.findMany({
    where: { repositoryId },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    take: Math.min(opts.take ?? 20, 100),
    select: { ...LIST, introducedFindings: true },
  });
  return rows.map(({ introducedFindings, ...r }) => ({
    ...shape(r),
    newFindings: storedFindings.parse(introducedFindings ?? []).slice(0, opts.findings ?? 5),
  }));
}

export async function changeScan(db: Db, repositoryId: string, id: string) {
  const r = await db.changeScan.findFirst({
    where: { id, repositoryId },
    select: { ...LIST, headCloneUrl: true, introducedFindings: true, fixedFindings: true, startedAt: true, failureCode: true },
  });
  if (!r) return null;
  const { introducedFindings, fixedFindings, ...rest } = r;
  return {
    ...shape(rest),
    newFindings: storedFindings.parse(introducedFindings ?? []),
    fixedFindings: storedFindings.parse(fixedFindings ?? []),
  };
}
export type ChangeScanView = NonNullable<Awaited<ReturnType<typeof changeScan>>>;
