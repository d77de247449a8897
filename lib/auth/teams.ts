/**
 * Who belongs to which team (issue 16): the scope of every role but admin. Admins manage every team and
 * whether a user's role is org-wide; security leads manage the members of the teams in their own scope. Every
 * change is audited in its transaction.
 */
import { audit, type Actor } from "../audit.ts";
import type { Db } from "../db/client.ts";
import { teamAccessWhere, teamInScope, type AccessScope } from "../findings/visibility.ts";
import { UserError } from "./users.ts";
import { type SearchPageParams, searchPageParams } from "../url-params.ts";

/** The teams the manager may manage, with their members. */
/** Teams a page of the teams page shows: each carries its members' rows and forms (issue 17: 150 KB a page). */
export const TEAMS_PAGE_SIZE = 8;

export const teamsParams = searchPageParams(200);
export type TeamsParams = SearchPageParams;

/** A page of the teams the reader manages, by name, with their members; `q` matches the team's name, any case. */
export async function listTeamMembers(db: Db, access: AccessScope, params: TeamsParams = { q: "", page: 1 }) {
  const where = { AND: [teamAccessWhere(access), params.q ? { name: { contains: params.q, mode: "insensitive" as const } } : {}] };
  const total = await db.team.count({ where });
  const pages = Math.max(1, Math.ceil(total / TEAMS_PAGE_SIZE));
  const page = Math.min(params.page, pages);
  const rows = await db.team.findMany({
    where,
    orderBy: [{ name: "asc" }, { id: "asc" }],
    skip: (page - 1) * TEAMS_PAGE_SIZE,
    take: TEAMS_PAGE_SIZE,
    select: {
      id: true,
      name: true,
      _count: { select: { repositories: { where: { archivedAt: null } } } },
      members: {
        orderBy: { user: { email: "asc" } },
        select: { user: { select: { id: true, email: true, name: true, role: true, orgWide: true, disabledAt: true } } },
      },
    },
  });
  return { rows, total, page, pages };
}

/** Everyone who can be added to a team: active users, as the picker lists them. */
export async function memberCandidates(db: Db) {
  return db.user.findMany({
    where: { disabledAt: null },
    orderBy: { email: "asc" },
    select: { id: true, email: true, name: true, role: true },
  });
}

async function teamFor(db: Pick<Db, "team">, access: AccessScope, teamId: string) {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { id: true, name: true } });
  // Another team than the manager's own is as unknown as a wrong id.
  if (!team || !teamInScope(access, team.id)) throw new UserError("no such team", "teamId");
  return team;
}

export async function addTeamMember(
  db: Db,
  actor: Actor,
  access: AccessScope,
  teamId: string,
  userId: string,
): Promise<{ added: boolean }> {
  return db.$transaction(async (tx) => {
    const team = await teamFor(tx, access, teamId);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, disabledAt: true } });
    if (!user || user.disabledAt) throw new UserError("no active user with that id", "userId");
    const existing = await tx.teamMember.findUnique({ where: { teamId_userId: { teamId, userId } } });
    if (existing) return { added: false };
    await tx.teamMember.create({ data: { teamId, userId } });
    await audit(tx, actor, {
      action: "team.member_add",
      targetType: "team",
      targetId: team.id,
      after: { team: team.name, user: user.email },
    });
    return { added: true };
  });
}

export async function removeTeamMember(
  db: Db,
  actor: Actor,
  access: AccessScope,
  teamId: string,
  userId: string,
): Promise<{ removed: boolean }> {
  return db.$transaction(async (tx) => {
    const team = await teamFor(tx, access, teamId);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    const { count } = await tx.teamMember.deleteMany({ where: { teamId, userId } });
    if (count === 0) return { removed: false };
    await audit(tx, actor, {
      action: "team.member_remove",
      targetType: "team",
      targetId: team.id,
      before: { team: team.name, user: user?.email ?? userId },
    });
    return { removed: true };
  });
}

/** Whether the user's role applies org-wide or only to their teams (admins are org-wide whatever this says). */
export async function setOrgWide(db: Db, actor: Actor, userId: string, orgWide: boolean): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: { orgWide: true } });
    if (!before) throw new UserError("no such user");
    if (before.orgWide === orgWide) return;
    await tx.user.update({ where: { id: userId }, data: { orgWide } });
    await audit(tx, actor, {
      action: "user.org_wide",
      targetType: "user",
      targetId: userId,
      before: { orgWide: before.orgWide },
      after: { orgWide },
    });
  });
}
