import { z } from "zod";
import { ORG_WIDE, teamInScope, type AccessScope } from "../findings/visibility.ts";
import { audit, SYSTEM, type Actor } from "../audit.ts";
import { type Db, type Repository, isUniqueViolation } from "../db/client.ts";
import { enqueueScan } from "../scan/enqueue.ts";
import type { Queues } from "../queue/queues.ts";
import { AddressRefusedError, checkedAddresses, HostUnresolvedError } from "../net/address.ts";
import { parseRepoUrl, RepoUrlError } from "./url.ts";
import { DomainError } from "../errors.ts";

const branch = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._/-]+(?<!\.lock)(?<![/.])$/, "not a valid branch name");

export const registerRepositoryInput = z.object({
  url: z.string().max(2048),
  name: z.string().trim().min(1).max(120).optional(),
  branch: branch.optional(),
  team: z.string().trim().min(1, "a team is required").max(120),
});
export type RegisterRepositoryInput = z.infer<typeof registerRepositoryInput>;

export const registerBulkInput = z.object({
  /** One URL a line (blank lines and # comments ignored), or a list. */
  urls: z.union([z.string().max(1_000_000), z.array(z.string()).max(5000)]),
  team: z.string().trim().min(1, "a team is required").max(120),
  branch: branch.optional(),
});

export type RegistrationErrorCode = "invalid_url" | "duplicate" | "invalid_input";

export class RegistrationError extends DomainError {
  declare readonly code: RegistrationErrorCode;
  constructor(code: RegistrationErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * Registers one repository in one transaction (team created on first use). Throws RegistrationError. A user
 * scoped to teams (`access`) registers only into one of their teams, and a duplicate of another team's
 * repository is "already registered" without its name.
 */
export async function registerRepository(
  db: Db,
  raw: unknown,
  allowLocal?: boolean,
  actor: Actor = SYSTEM,
  access: AccessScope = ORG_WIDE,
): Promise<Repository> {
  const parsed = registerRepositoryInput.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new RegistrationError("invalid_input", `${i.path.join(".") || "input"}: ${i.message}`);
  }
  const input = parsed.data;
  let url;
  try {
    url = parseRepoUrl(input.url, allowLocal);
    // A name that does not resolve from here is accepted: the worker resolves and checks it again right
    // before every connection, and that check is the one that counts.
    if (url.host) await checkedAddresses(url.host).catch((e) => (e instanceof HostUnresolvedError ? undefined : Promise.reject(e)));
  } catch (e) {
    if (e instanceof RepoUrlError || e instanceof AddressRefusedError) throw new RegistrationError("invalid_url", e.message);
    throw e;
  }
  try {
    return await db.$transaction(async (tx) => {
      const existing = await tx.repository.findUnique({
        where: { urlKey: url.key },
        select: { name: true, archivedAt: true, teamId: true },
      });
      if (existing && !teamInScope(access, existing.teamId)) throw new RegistrationError("duplicate", "already registered");
      if (existing)
        throw new RegistrationError("duplicate", `already registered as "${existing.name}"${existing.archivedAt ? " (archived)" : ""}`);
      if (!access.all) {
        const own = await tx.team.findUnique({ where: { name: input.team }, select: { id: true } });
        if (!own || !teamInScope(access, own.id))
          throw new RegistrationError("invalid_input", "team: you can register repositories only in your own teams");
      }
      const team = await tx.team.upsert({ where: { name: input.team }, create: { name: input.team }, update: {} });
      const repo = await tx.repository.create({
        data: { url: url.url, urlKey: url.key, name: input.name ?? url.name, branch: input.branch ?? null, teamId: team.id },
      });
      await audit(tx, actor, {
        action: "repository.register",
        targetType: "repository",
        targetId: repo.id,
        after: { name: repo.name, url: repo.url, branch: repo.branch, team: team.name },
      });
      return repo;
    });
  } catch (e) {
    // Two registrations of one URL racing: the unique key decides.
    if (isUniqueViolation(e)) throw new RegistrationError("duplicate", "already registered");
    throw e;
  }
}

export interface BulkLineResult {
  line: number;
  url: string;
  ok: boolean;
  repositoryId?: string;
  scanId?: string;
  error?: { code: RegistrationErrorCode | "queue_unavailable"; message: string };
}

function bulkLines(urls: string | string[]): { line: number; url: string }[] {
  const list = typeof urls === "string" ? urls.split(/\r?\n/) : urls;
  return list.map((url, i) => ({ line: i + 1, url: url.trim() })).filter((l) => l.url && !l.url.startsWith("#"));
}

/** Registers each line on its own (one bad line never blocks the others) and queues a first scan for each new one. */
export async function registerBulk(
  db: Db,
  queues: Queues,
  raw: unknown,
  allowLocal?: boolean,
  actor: Actor = SYSTEM,
  access: AccessScope = ORG_WIDE,
): Promise<BulkLineResult[]> {
  const parsed = registerBulkInput.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new RegistrationError("invalid_input", `${i.path.join(".") || "input"}: ${i.message}`);
  }
  const results: BulkLineResult[] = [];
  const seen = new Set<string>();
  for (const { line, url } of bulkLines(parsed.data.urls)) {
    try {
      const key = parseRepoUrl(url, allowLocal).key;
      if (seen.has(key)) throw new RegistrationError("duplicate", "listed twice");
      seen.add(key);
      const repo = await registerRepository(db, { url, team: parsed.data.team, branch: parsed.data.branch }, allowLocal, actor, access);
      results.push({ line, url, ok: true, repositoryId: repo.id, ...(await firstScan(db, queues, repo.id, actor)) });
    } catch (e) {
      if (e instanceof RepoUrlError || e instanceof AddressRefusedError)
        results.push({ line, url, ok: false, error: { code: "invalid_url", message: e.message } });
      else if (e instanceof RegistrationError) results.push({ line, url, ok: false, error: { code: e.code, message: e.message } });
      else throw e;
    }
  }
  return results;
}

/** Registration succeeded even if the queue is down; the scan is then recorded as failed and can be retried. */
export async function firstScan(
  db: Db,
  queues: Queues,
  repositoryId: string,
  actor: Actor = SYSTEM,
): Promise<{ scanId?: string; error?: BulkLineResult["error"] }> {
  try {
    const { scan } = await enqueueScan(db, queues, repositoryId, "registration", actor);
    return { scanId: scan.id };
  } catch (e) {
    return { error: { code: "queue_unavailable", message: (e as Error).message } };
  }
}

export async function archiveRepository(db: Db, id: string, actor: Actor = SYSTEM): Promise<Repository | null> {
  return db.$transaction(async (tx) => {
    const repo = await tx.repository.findUnique({ where: { id } });
    if (!repo || repo.archivedAt) return repo;
    const archived = await tx.repository.update({ where: { id }, data: { archivedAt: new Date() } });
    await audit(tx, actor, {
      action: "repository.archive",
      targetType: "repository",
      targetId: id,
      before: { archivedAt: null },
      after: { archivedAt: archived.archivedAt },
    });
    return archived;
  });
}

/** Undoes an archive: scans are accepted again (none is queued; "Scan now" or the schedule starts one). */
export async function restoreRepository(db: Db, id: string, actor: Actor = SYSTEM): Promise<Repository | null> {
  return db.$transaction(async (tx) => {
    const repo = await tx.repository.findUnique({ where: { id } });
    if (!repo?.archivedAt) return repo;
    const restored = await tx.repository.update({ where: { id }, data: { archivedAt: null } });
    await audit(tx, actor, {
      action: "repository.restore",
      targetType: "repository",
      targetId: id,
      before: { archivedAt: repo.archivedAt },
      after: { archivedAt: null },
    });
    return restored;
  });
}
