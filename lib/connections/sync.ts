/**
 * Keeps a connection's repositories in step with the forge (at connection, on "sync now" and on the rescan
 * schedule):
 *  - a repository the connection selects (lib/connections/selection.ts) and Posture does not have is
 *    registered with its team and its first scan queued; one already registered by hand (same URL) is adopted;
 *  - one gone from the listing (deleted, or out of the credential's reach) or no longer selected (archived on
 *    the forge, a filter changed) is archived in Posture, its findings kept; if it comes back, it is restored
 *    and scanned, unless a person archived it;
 *  - a rename or transfer is followed by the forge's id: the same Posture repository, findings and history,
 *    under its new name and URL.
 * A listing of no repositories at all never archives anything (a credential that lost its access looks like
 * that): the sync says so instead.
 */
import { audit, SYSTEM, type Actor } from "../audit.ts";
import type { Db, ForgeConnection, ForgeRepository as ForgeRepositoryRow, Repository } from "../db/client.ts";
import { isUniqueViolation } from "../db/client.ts";
import type { HttpOptions } from "../forge/http.ts";
import type { ForgeRepository } from "../forge/types.ts";
import type { Queues } from "../queue/queues.ts";
import { firstScan, registerRepository } from "../repos/service.ts";
import { parseRepoUrl, RepoUrlError } from "../repos/url.ts";
import { AddressRefusedError } from "../net/address.ts";
import { errorIsShown } from "../errors.ts";
import { clientFor, describeForgeFailure, forgeBase, gitHostOf } from "./client.ts";
import { selectRepositories, SKIP_REASON_LABELS, teamFor, type SkipReason } from "./selection.ts";
import { toConnectionSummary } from "./service.ts";

export interface SyncStats {
  listed: number;
  selected: number;
  registered: number;
  adopted: number;
  restored: number;
  renamed: number;
  archived: number;
  skipped: number;
  failed: number;
}

export interface SyncResult {
  ok: boolean;
  stats: SyncStats;
  /** Per repository, what was done or why not (bounded). */
  notes: string[];
  message: string;
}

export interface SyncOptions {
  http?: HttpOptions;
  actor?: Actor;
  now?: () => Date;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const MAX_NOTES = 200;

/** The URL a repository is registered with: https or ssh as the connection says, on the forge's own host only. */
function cloneUrl(c: Pick<ForgeConnection, "cloneProtocol" | "forge" | "baseUrl">, r: ForgeRepository, http: HttpOptions): string {
  const url = c.cloneProtocol === "ssh" ? r.sshUrl : r.httpsUrl;
  const parsed = parseRepoUrl(url, false, http.networks);
  // A listing that points clones at another host is not followed: the credential is for this forge only.
  const host = gitHostOf(forgeBase(c, http));
  if (parsed.host !== host) throw new RepoUrlError(`the forge gave a clone URL on ${parsed.host ?? "no host"}, not on ${host}`);
  return parsed.url;
}

const emptyStats = (): SyncStats => ({
  listed: 0,
  selected: 0,
  registered: 0,
  adopted: 0,
  restored: 0,
  renamed: 0,
  archived: 0,
  skipped: 0,
  failed: 0,
});

async function archiveBySync(
  db: Db,
  repo: Repository,
  link: ForgeRepositoryRow,
  reason: string,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  if (repo.archivedAt) return false;
  await db.$transaction(async (tx) => {
    await tx.repository.update({ where: { id: repo.id }, data: { archivedAt: now } });
    await tx.forgeRepository.update({ where: { id: link.id }, data: { archivedBySync: true } });
    await audit(tx, actor, {
      action: "repository.archive",
      targetType: "repository",
      targetId: repo.id,
      before: { archivedAt: null },
      after: { archivedAt: now, reason, by: "connection sync" },
    });
  });
  return true;
}

export async function syncConnection(db: Db, queues: Queues, connectionId: string, opts: SyncOptions = {}): Promise<SyncResult> {
  const actor = opts.actor ?? SYSTEM;
  const now = opts.now ?? (() => new Date());
  const http = opts.http ?? {};
  const stats = emptyStats();
  const notes: string[] = [];
  const note = (s: string) => notes.length < MAX_NOTES && notes.push(s);
  const c = await db.forgeConnection.findUnique({ where: { id: connectionId } });
  if (!c) return { ok: false, stats, notes, message: "no such connection" };
  const selection = toConnectionSummary(c);

  let listed: ForgeRepository[];
  try {
    const { client } = await clientFor(db, c, { http });
    listed = await client.listRepositories(c.owner, c.ownerKind ? { ownerKind: c.ownerKind } : {});
  } catch (e) {
    const f = describeForgeFailure(e);
    await db.forgeConnection.update({
      where: { id: c.id },
      data: { lastSyncAt: now(), lastSyncResult: f.code, lastSyncMessage: f.message },
    });
    opts.log?.("connection sync failed", { connectionId: c.id, code: f.code });
    return { ok: false, stats, notes, message: f.message };
  }
  stats.listed = listed.length;
  const { selected, skipped } = selectRepositories(listed, selection);
  stats.selected = selected.length;
  stats.skipped = skipped.length;
  const why = new Map<string, SkipReason>(skipped.map((s) => [s.repository.id, s.reason]));
  const links = await db.forgeRepository.findMany({ where: { connectionId: c.id }, include: { repository: true } });
  const byForgeId = new Map(links.map((l) => [l.forgeId, l]));

  for (const r of listed) {
    const link = byForgeId.get(r.id);
    const chosen = !why.has(r.id);
    try {
      if (link) {
        await followRepository(db, queues, c, link, r, chosen, why.get(r.id), { http, actor, now: now(), stats, note });
      } else if (chosen) {
        await addRepository(db, queues, c, r, { http, actor, stats, note, now: now() });
      }
    } catch (e) {
      stats.failed++;
      // A DomainError (a refused URL, a duplicate) is written for people; anything else is for the log only.
      const shown = errorIsShown(e) || e instanceof AddressRefusedError;
      note(`${r.fullName}: not synced (${shown ? e.message : "an internal error"})`);
      if (!shown)
        opts.log?.("connection sync: a repository failed", {
          connectionId: c.id,
          repository: r.fullName,
          error: e instanceof Error ? e.message.split("\n").pop() : String(e),
        });
    }
  }

  // Gone from the listing: deleted, or no longer visible to the credential.
  const seen = new Set(listed.map((r) => r.id));
  const gone = links.filter((l) => !seen.has(l.forgeId));
  let guarded = false;
  if (gone.length && listed.length === 0) {
    guarded = true;
    note(`the forge listed no repositories for ${c.owner}: nothing was archived (check that the credential can still see them)`);
  } else {
    for (const l of gone) {
      if (await archiveBySync(db, l.repository, l, "deleted on the forge or no longer visible to the credential", actor, now())) {
        stats.archived++;
        note(`${l.fullName}: archived (no longer on the forge)`);
      }
    }
  }

  const message = guarded
    ? "the forge listed no repositories: nothing was archived (check the credential's access)"
    : `${stats.listed} listed, ${stats.selected} selected: ${stats.registered} registered, ${stats.adopted} adopted, ${stats.restored} restored, ${stats.renamed} renamed, ${stats.archived} archived${stats.failed ? `, ${stats.failed} failed` : ""}`;
  await db.$transaction(async (tx) => {
    await tx.forgeConnection.update({
      where: { id: c.id },
      data: { lastSyncAt: now(), lastSyncResult: stats.failed ? "partial" : "ok", lastSyncMessage: message, lastSyncStats: { ...stats } },
    });
    await audit(tx, actor, { action: "connection.sync", targetType: "connection", targetId: c.id, after: { ...stats } });
  });
  opts.log?.("connection synced", { connectionId: c.id, ...stats });
  return { ok: true, stats, notes, message };
}

interface Step {
  http: HttpOptions;
  actor: Actor;
  now: Date;
  stats: SyncStats;
  note: (s: string) => void;
}

async function addRepository(db: Db, queues: Queues, c: ForgeConnection, r: ForgeRepository, s: Step): Promise<void> {
  const url = cloneUrl(c, r, s.http);
  const key = parseRepoUrl(url, false, s.http.networks).key;
  const existing = await db.repository.findUnique({ where: { urlKey: key }, include: { forge: true } });
  if (existing) {
    if (existing.forge) {
      s.note(`${r.fullName}: already registered from another connection`);
      return;
    }
    await db.$transaction(async (tx) => {
      await tx.forgeRepository.create({ data: linkData(c, r, existing.id, s.now) });
      await audit(tx, s.actor, {
        action: "repository.adopt",
        targetType: "repository",
        targetId: existing.id,
        after: { connection: c.name, forgeId: r.id, fullName: r.fullName },
      });
    });
    s.stats.adopted++;
    s.note(`${r.fullName}: adopted (registered before)`);
    return;
  }
  const team = teamFor(r, toConnectionSummary(c));
  const repo = await registerRepository(db, { url, name: r.fullName.slice(0, 120), team }, false, s.actor);
  try {
    await db.forgeRepository.create({ data: linkData(c, r, repo.id, s.now) });
  } catch (e) {
    // Another sync of the same connection linked it first.
    if (!isUniqueViolation(e)) throw e;
  }
  const scan = await firstScan(db, queues, repo.id, s.actor);
  s.stats.registered++;
  s.note(`${r.fullName}: registered (team ${team})${scan.error ? `; first scan not queued: ${scan.error.message}` : ""}`);
}

function linkData(c: ForgeConnection, r: ForgeRepository, repositoryId: string, now: Date) {
  return {
    connectionId: c.id,
    forgeId: r.id,
    fullName: r.fullName,
    webUrl: r.webUrl,
    defaultBranch: r.defaultBranch,
    archivedOnForge: r.archived,
    repositoryId,
    lastSeenAt: now,
  };
}

async function followRepository(
  db: Db,
  queues: Queues,
  c: ForgeConnection,
  link: ForgeRepositoryRow & { repository: Repository },
  r: ForgeRepository,
  chosen: boolean,
  reason: SkipReason | undefined,
  s: Step,
): Promise<void> {
  const repo = link.repository;
  await db.forgeRepository.update({
    where: { id: link.id },
    data: { fullName: r.fullName, webUrl: r.webUrl, defaultBranch: r.defaultBranch, archivedOnForge: r.archived, lastSeenAt: s.now },
  });

  // A rename or transfer: same forge id, new URL.
  const url = cloneUrl(c, r, s.http);
  const key = parseRepoUrl(url, false, s.http.networks).key;
  if (key !== repo.urlKey) {
    const taken = await db.repository.findUnique({ where: { urlKey: key }, select: { id: true, name: true } });
    if (taken && taken.id !== repo.id) {
      s.note(`${r.fullName}: renamed on the forge, but "${taken.name}" is already registered at its new URL`);
    } else {
      await db.$transaction(async (tx) => {
        await tx.repository.update({ where: { id: repo.id }, data: { url, urlKey: key, name: r.fullName.slice(0, 120) } });
        await audit(tx, s.actor, {
          action: "repository.rename",
          targetType: "repository",
          targetId: repo.id,
          before: { name: repo.name, url: repo.url },
          after: { name: r.fullName, url, by: "connection sync" },
        });
      });
      s.stats.renamed++;
      s.note(`${link.fullName}: renamed to ${r.fullName}`);
    }
  }

  if (!chosen) {
    if (await archiveBySync(db, repo, link, `no longer selected: ${SKIP_REASON_LABELS[reason ?? "name"]}`, s.actor, s.now)) {
      s.stats.archived++;
      s.note(`${r.fullName}: archived (${SKIP_REASON_LABELS[reason ?? "name"]})`);
    }
    return;
  }
  if (repo.archivedAt && link.archivedBySync) {
    await db.$transaction(async (tx) => {
      await tx.repository.update({ where: { id: repo.id }, data: { archivedAt: null } });
      await tx.forgeRepository.update({ where: { id: link.id }, data: { archivedBySync: false } });
      await audit(tx, s.actor, {
        action: "repository.restore",
        targetType: "repository",
        targetId: repo.id,
        before: { archivedAt: repo.archivedAt },
        after: { archivedAt: null, by: "connection sync" },
      });
    });
    await firstScan(db, queues, repo.id, s.actor);
    s.stats.restored++;
    s.note(`${r.fullName}: restored and queued for a scan`);
  }
}
