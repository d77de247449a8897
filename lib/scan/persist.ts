/**
 * Writes one scan's result, in one transaction, as changes to the repository's findings:
 *
 * - a fingerprint never seen before becomes a new `open` finding (event `detected`);
 * - a finding seen again keeps its identity, status and triage; its location, snippet and code context are
 *   refreshed (a file moved into tests/ is test code now), and its events follow its severity and context;
 * - a finding that was `fixed` and is seen again is `reopened`, unless its last triage decision still holds
 *   (false positive; accepted risk not yet expired), which it returns to (event `reopened` either way);
 * - a finding not seen is `fixed` (event `fixed`), but only if its check ran in this scan and its file was
 *   read: a disabled or retired check, or an unreadable file, proves nothing about it.
 *
 * The repository row is locked first, so two workers persisting the same repository serialise, and the
 * (repository, fingerprint) unique key makes a duplicate finding impossible.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type Db, type FindingStatus, type Framework as DbFramework, type Settings } from "../db/client.ts";
import { frameworkToDb, policyId } from "../catalogue.ts";
import type { Rulebook } from "../engine/rulebook.ts";
import { CODE_CONTEXTS, type CodeContext, type Finding as EngineFinding, type ScanResult } from "../engine/types.ts";
import { dueDate } from "../settings.ts";
import type { BlameAuthor } from "../suppressions/blame.ts";
import { replaceSuppressions, type SuppressionRow } from "../suppressions/persist.ts";
import type { FindingContext } from "./context.ts";

export interface PersistInput {
  scanId: string;
  repositoryId: string;
  commitSha: string;
  rulebook: Rulebook;
  /** Checks that ran in this scan (in the rulebook and enabled org-wide). */
  activeCheckIds: ReadonlySet<string>;
  result: ScanResult;
  settings: Settings;
  now?: Date;
  /** Lines around each finding, by fingerprint (lib/scan/context.ts); without it, stored contexts are kept. */
  contexts?: ReadonlyMap<string, FindingContext>;
  /** The frameworks the scanned tree uses (lib/repos/frameworks.ts): the scan's, and now the repository's. */
  frameworks?: readonly DbFramework[];
  /**
   * The scanned tree's suppressions and exclusions (lib/suppressions/persist.ts suppressionRows), with their
   * authors: they replace the repository's. Without it, the stored ones are kept.
   */
  suppressions?: { rows: readonly SuppressionRow[]; authors?: ReadonlyMap<string, BlameAuthor> };
}

export interface PersistCounts {
  findingsNew: number;
  findingsFixed: number;
  findingsReopened: number;
  findingsPresent: number;
}

type Tx = Prisma.TransactionClient;

/** The finding's code context; one from an engine that predates contexts is production, as the migration made every stored finding. */
function codeContextOf(f: EngineFinding): CodeContext {
  return (CODE_CONTEXTS as readonly string[]).includes(f.context) ? f.context : "production";
}

function statusOnReturn(f: { triageDecision: FindingStatus | null; acceptedUntil: Date | null }, now: Date): FindingStatus {
  if (f.triageDecision === "false_positive") return "false_positive";
  if (f.triageDecision === "accepted_risk" && f.acceptedUntil && f.acceptedUntil > now) return "accepted_risk";
  return "reopened";
}

/**
 * New findings and events are written with one INSERT per part from arrays, not Prisma's createMany: the
 * client builds a createMany on the event loop (about a millisecond a row), so a scan of 18,000 findings held
 * the worker's event loop for ~40 s and starved its BullMQ lock renewal; the job looked stalled and another
 * worker took it over. These run in milliseconds and leave the event loop free.
 */
const INSERT_CHUNK = 5000;
/** A scan keeps this many of the affected dependencies no code reaches (a lock file of a large monorepo lists hundreds). */
export const MAX_NOT_REACHED_STORED = 200;

/** One statement per part, in turn: a transaction's client runs one query at a time. */
async function inChunks<T>(rows: readonly T[], write: (part: readonly T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await write(rows.slice(i, i + INSERT_CHUNK));
}

/**
 * The rows as one array per key, in the keys' order: the parameters of an `unnest($1::text[], …)` that
 * writes many rows in one statement.
 */
export function unnestColumns<T, K extends keyof T>(rows: readonly T[], keys: readonly K[]): T[K][][] {
  return keys.map((k) => rows.map((r) => r[k]));
}

interface NewFinding {
  id: string;
  f: EngineFinding;
  policyId: string;
  dueAt: Date;
  context: string | null;
}

async function insertFindings(tx: Tx, rows: NewFinding[], repositoryId: string, scanId: string, commitSha: string, now: Date) {
  await inChunks(rows, (part) =>
    tx.$executeRawUnsafe(
      `INSERT INTO "Finding" ("id", "repositoryId", "fingerprint", "checkId", "policyId", "framework", "severity", "status",
         "path", "line", "column", "endLine", "endColumn", "message", "snippet", "commitSha",
         "firstSeenAt", "firstScanId", "lastSeenAt", "lastScanId", "dueAt", "context", "codeContext", "related", "updatedAt")
       SELECT v.id, $2, v.fingerprint, v.check_id, v.policy_id, v.framework::"Framework", v.severity::"Severity", 'open'::"FindingStatus",
         v.path, v.line, v.col, v.end_line, v.end_col, v.message, v.snippet, $3,
         $4, $5, $4, $5, v.due_at::timestamp(3), v.context::jsonb, v.code_context::"CodeContext", v.related::jsonb, $4
       FROM unnest($1::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $13::int[], $14::int[], $15::int[],
         $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[])
         AS v(id, fingerprint, check_id, policy_id, framework, severity, path, line, col, end_line, end_col, message, snippet, due_at, context, code_context, related)`,
      part.map((r) => r.id),
      repositoryId,
      commitSha,
      now,
      scanId,
      part.map((r) => r.f.fingerprint),
      part.map((r) => r.f.ruleId),
      part.map((r) => r.policyId),
      part.map((r) => frameworkToDb(r.f.framework)),
      ...unnestColumns(
        part.map((r) => r.f),
        ["severity", "path", "line", "column", "endLine", "endColumn", "message", "snippet"],
      ),
      // ISO text: cast to timestamp it keeps the UTC wall time, as Prisma stores DateTime.
      part.map((r) => r.dueAt.toISOString()),
      part.map((r) => r.context),
      part.map((r) => codeContextOf(r.f)),
      part.map((r) => relatedOf(r.f)),
    ),
  );
}

/** The findings linked with this one in the same scan (a model file and the code that loads it), as stored. */
function relatedOf(f: EngineFinding): string | null {
  return f.related?.length ? JSON.stringify(f.related.map((r) => ({ ...r, message: r.message.replaceAll("\0", "\uFFFD") }))) : null;
}

interface NewEvent {
  findingId: string;
  type: "detected" | "reopened" | "fixed";
  fromStatus: FindingStatus | null;
  toStatus: FindingStatus;
  severity: string;
  checkId: string;
  codeContext: CodeContext;
}

async function insertEvents(tx: Tx, rows: NewEvent[], repositoryId: string, scanId: string, now: Date) {
  await inChunks(rows, (part) =>
    tx.$executeRawUnsafe(
      `INSERT INTO "FindingEvent" ("id", "findingId", "type", "scanId", "fromStatus", "toStatus", "createdAt", "severity", "repositoryId", "checkId", "codeContext")
       SELECT v.id, v.finding_id, v.type::"FindingEventType", $2, v.from_status::"FindingStatus", v.to_status::"FindingStatus", $3,
         v.severity::"Severity", $4, v.check_id, v.code_context::"CodeContext"
       FROM unnest($1::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS v(id, finding_id, type, from_status, to_status, severity, check_id, code_context)`,
      part.map(() => randomUUID()),
      scanId,
      now,
      repositoryId,
      ...unnestColumns(part, ["findingId", "type", "fromStatus", "toStatus", "severity", "checkId", "codeContext"]),
    ),
  );
}

/** One UPDATE for every finding seen again, instead of one round trip each. */
async function refreshSeen(
  tx: Tx,
  rows: { id: string; f: EngineFinding; status: FindingStatus; reopened: boolean }[],
  scanId: string,
  commitSha: string,
  now: Date,
  contexts?: ReadonlyMap<string, FindingContext>,
) {
  await inChunks(rows, (part) =>
    tx.$executeRawUnsafe(
      `UPDATE "Finding" AS t SET
         "line" = v.line, "column" = v.col, "endLine" = v.end_line, "endColumn" = v.end_col,
         "message" = v.message, "snippet" = v.snippet, "severity" = v.severity::"Severity",
         "status" = v.status::"FindingStatus",
         "fixedAt" = CASE WHEN v.reopened THEN NULL ELSE t."fixedAt" END,
         "fixedScanId" = CASE WHEN v.reopened THEN NULL ELSE t."fixedScanId" END,
         "lastSeenAt" = $10, "lastScanId" = $11, "commitSha" = $12, "updatedAt" = $10,
         "context" = CASE WHEN $15 THEN v.context::jsonb ELSE t."context" END,
         "codeContext" = v.code_context::"CodeContext", "related" = v.related::jsonb
       FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $13::boolean[], $14::text[], $16::text[], $17::text[])
         AS v(id, line, col, end_line, end_col, message, snippet, severity, status, reopened, context, code_context, related)
       WHERE t.id = v.id`,
      part.map((r) => r.id),
      ...unnestColumns(
        part.map((r) => r.f),
        ["line", "column", "endLine", "endColumn", "message", "snippet", "severity"],
      ),
      part.map((r) => r.status),
      now,
      scanId,
      commitSha,
      part.map((r) => r.reopened),
      part.map((r) => {
        const c = contexts?.get(r.f.fingerprint);
        return c ? JSON.stringify(c) : null;
      }),
      contexts !== undefined,
      part.map((r) => codeContextOf(r.f)),
      part.map((r) => relatedOf(r.f)),
    ),
  );
}

export async function persistScan(db: Db, input: PersistInput): Promise<PersistCounts> {
  const now = input.now ?? new Date();
  const { scanId, repositoryId, commitSha } = input;
  const policyOf = new Map(input.rulebook.policies.flatMap((p) => p.checks.map((c) => [c.id, policyId(p.file)] as const)));
  // PostgreSQL text and jsonb cannot hold NUL, which a text file can (past the engine's binary sniff):
  // without this the save fails on every retry. Stored as U+FFFD, like invalid UTF-8.
  const noNul = (s: string) => (s.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s);
  const current = input.result.findings
    .filter((f) => input.activeCheckIds.has(f.ruleId))
    .map((f) => ({ ...f, message: noNul(f.message), snippet: noNul(f.snippet) }));
  const contexts = input.contexts && new Map([...input.contexts].map(([k, c]) => [k, { ...c, lines: c.lines.map(noNul) }]));
  const unreadable = new Set(input.result.errors.map((e) => e.path));

  return db.$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe('SELECT id FROM "Repository" WHERE id = $1 FOR UPDATE', repositoryId);
      const existing = await tx.finding.findMany({
        where: { repositoryId },
        select: {
          id: true,
          fingerprint: true,
          status: true,
          triageDecision: true,
          acceptedUntil: true,
          checkId: true,
          path: true,
          severity: true,
          codeContext: true,
        },
      });
      const byFingerprint = new Map(existing.map((e) => [e.fingerprint, e]));

      const creates: NewFinding[] = [];
      const events: NewEvent[] = [];
      const seen: { id: string; f: EngineFinding; status: FindingStatus; reopened: boolean }[] = [];
      const present = new Set<string>();
      let reopened = 0;

      for (const f of current) {
        if (present.has(f.fingerprint)) continue;
        present.add(f.fingerprint);
        const prior = byFingerprint.get(f.fingerprint);
        if (!prior) {
          const id = randomUUID();
          const context = contexts?.get(f.fingerprint);
          creates.push({
            id,
            f,
            policyId: policyOf.get(f.ruleId)!,
            dueAt: dueDate(now, input.settings, f.severity),
            context: context ? JSON.stringify(context) : null,
          });
          events.push({
            findingId: id,
            type: "detected",
            fromStatus: null,
            toStatus: "open",
            severity: f.severity,
            checkId: f.ruleId,
            codeContext: codeContextOf(f),
          });
        } else if (prior.status === "fixed") {
          const status = statusOnReturn(prior, now);
          seen.push({ id: prior.id, f, status, reopened: true });
          events.push({
            findingId: prior.id,
            type: "reopened",
            fromStatus: "fixed",
            toStatus: status,
            severity: f.severity,
            checkId: prior.checkId,
            codeContext: codeContextOf(f),
          });
          reopened++;
        } else {
          seen.push({ id: prior.id, f, status: prior.status, reopened: false });
        }
      }

      const fixed = existing.filter(
        (e) => e.status !== "fixed" && !present.has(e.fingerprint) && input.activeCheckIds.has(e.checkId) && !unreadable.has(e.path),
      );
      for (const e of fixed)
        events.push({
          findingId: e.id,
          type: "fixed",
          fromStatus: e.status,
          toStatus: "fixed",
          severity: e.severity,
          checkId: e.checkId,
          codeContext: e.codeContext,
        });

      await insertFindings(tx, creates, repositoryId, scanId, commitSha, now);
      await refreshSeen(tx, seen, scanId, commitSha, now, contexts);
      // Trends count a finding under its current severity and context, so its past events follow a rulebook
      // re-grading or a change of context.
      const changed = seen
        .filter((r) => {
          const prior = byFingerprint.get(r.f.fingerprint)!;
          return r.f.severity !== prior.severity || codeContextOf(r.f) !== prior.codeContext;
        })
        .map((r) => r.id);
      if (changed.length)
        await tx.$executeRaw`UPDATE "FindingEvent" AS e SET "severity" = f."severity", "codeContext" = f."codeContext" FROM "Finding" AS f WHERE f."id" = e."findingId" AND e."findingId" = ANY(${changed}::text[])`;
      if (fixed.length)
        await tx.finding.updateMany({
          where: { id: { in: fixed.map((e) => e.id) } },
          data: { status: "fixed", fixedAt: now, fixedScanId: scanId },
        });
      await insertEvents(tx, events, repositoryId, scanId, now);

      const counts: PersistCounts = {
        findingsNew: creates.length,
        findingsFixed: fixed.length,
        findingsReopened: reopened,
        findingsPresent: present.size,
      };
      await tx.scan.update({
        where: { id: scanId },
        data: {
          ...counts,
          status: "succeeded",
          commitSha,
          rulebookVersion: input.rulebook.version,
          stats: input.result.stats as unknown as Prisma.InputJsonValue,
          errors: input.result.errors as unknown as Prisma.InputJsonValue,
          repoConfig: input.result.repoConfig ? (input.result.repoConfig as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
          advisoriesNotReached: (input.result.advisoriesNotReached ?? []).slice(
            0,
            MAX_NOT_REACHED_STORED,
          ) as unknown as Prisma.InputJsonValue,
          finishedAt: input.now ?? new Date(),
          failureReason: null,
          failureCode: null,
          ...(input.frameworks ? { frameworks: [...input.frameworks] } : {}),
        },
      });
      if (input.frameworks) await tx.repository.update({ where: { id: repositoryId }, data: { frameworks: [...input.frameworks] } });
      if (input.suppressions)
        await replaceSuppressions(tx, { repositoryId, scanId, commitSha, ...input.suppressions, now: input.now ?? new Date() });
      return counts;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
