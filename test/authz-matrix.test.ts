/**
 * The role × action matrix, walked completely: the permission table itself, every server-action definition
 * run by every role (and no one signed in), each allowed run with a small valid input and its effect checked
 * in the database and the queue, and a structural check that every page, server action and route handler goes
 * through the guards. Pages over HTTP are walked by the e2e suite.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAs, type ActionDef } from "../lib/actions/define.ts";
import { roleLabel, type SignedInUser } from "../lib/auth/guard.ts";
import { ACTIONS, can, type Action } from "../lib/auth/permissions.ts";
import { createApiToken } from "../lib/auth/tokens.ts";
import { createConnection, openWebhookSecret } from "../lib/connections/service.ts";
import { createCredential } from "../lib/credentials/service.ts";
import type { Role, User } from "../lib/db/client.ts";
import { ORG_WIDE } from "../lib/findings/visibility.ts";
import { registerRepository } from "../lib/repos/service.ts";
import { enqueueScan } from "../lib/scan/enqueue.ts";
import { runScan } from "../lib/scan/pipeline.ts";
import { TestRepo } from "./support/git.ts";
import { usePipelineTest } from "./support/pipeline.ts";

const ROOT = join(import.meta.dirname, "..");
const ROLES: Role[] = ["admin", "security_lead", "engineer", "viewer"];

// The roles, spelled out, role by role: a viewer reads; an engineer also registers repositories,
// triggers scans and triages; a security lead does everything but manage users and read the audit log (which
// the issue gives to admins); an admin does everything.
const VIEWER: Action[] = ["findings:read", "repositories:read"];
const ENGINEER: Action[] = [...VIEWER, "repositories:register", "scans:trigger", "findings:triage"];
const ADMIN_ONLY: Action[] = ["users:manage", "audit:read"];
// Since issues 14 and 16 the security lead's share includes credentials, connected organisations, team
// membership, approving exceptions and the suppressions page: new actions go to the lead unless named above.
const EXPECTED: Record<Role, (action: Action) => boolean> = {
  viewer: (a) => VIEWER.includes(a),
  engineer: (a) => ENGINEER.includes(a),
  security_lead: (a) => !ADMIN_ONLY.includes(a),
  admin: () => true,
};
const EXPECTED_ACTIONS: Action[] = [
  ...ENGINEER,
  ...ADMIN_ONLY,
  "repositories:archive",
  "scans:rescan-all",
  "rules:manage",
  "settings:manage",
  "tokens:manage",
  "credentials:manage",
  "connections:manage",
  "teams:manage",
  "exceptions:approve",
  "suppressions:read",
];

// Every dashboard write and the permission it must need: a new action, or a changed permission, is a
// deliberate edit here.
const ACTION_PERMISSIONS: Record<string, Action> = {
  "users.create": "users:manage",
  "users.role": "users:manage",
  "users.disable": "users:manage",
  "users.reset-password": "users:manage",
  "tokens.create": "tokens:manage",
  "tokens.revoke": "tokens:manage",
  "settings.update": "settings:manage",
  "findings.triage": "findings:triage",
  "repositories.register": "repositories:register",
  "repositories.register-bulk": "repositories:register",
  "scans.trigger": "scans:trigger",
  "scans.rescan-all": "scans:rescan-all",
  "repositories.archive": "repositories:archive",
  "repositories.restore": "repositories:archive",
  "rules.set-check-enabled": "rules:manage",
  "credentials.create": "credentials:manage",
  "credentials.delete": "credentials:manage",
  // Whoever may register a repository may ask whether the worker could clone it.
  "credentials.check": "repositories:register",
  "connections.create": "connections:manage",
  "connections.update": "connections:manage",
  "connections.sync": "connections:manage",
  "connections.rotate-secret": "connections:manage",
  "connections.delete": "connections:manage",
  "repositories.set-policy": "connections:manage",
  "users.org-wide": "users:manage",
  "teams.add-member": "teams:manage",
  "teams.remove-member": "teams:manage",
  "exceptions.approve": "exceptions:approve",
  "exceptions.reject": "exceptions:approve",
  "settings.exceptions": "settings:manage",
  "settings.suppressions": "settings:manage",
};

function files(dir: string, match: (p: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, match) : match(p) ? [p] : [];
  });
}

async function allActionDefs(): Promise<ActionDef[]> {
  const defs = new Map<string, ActionDef>();
  for (const file of files(join(ROOT, "lib/actions"), (p) => p.endsWith(".ts") && !p.endsWith("define.ts"))) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      for (const d of Array.isArray(v) ? v : [v]) {
        if (d && typeof d === "object" && "permission" in d && "run" in d && "name" in d) defs.set((d as ActionDef).name, d as ActionDef);
      }
    }
  }
  return [...defs.values()];
}

/**
 * For one action run by one allowed role: a small valid input (arranged in the database first when the action
 * needs something to act on), and a check of what running it did. Each role's run gets its own target, so
 * one role's run cannot make another's look successful.
 */
type Case = (user: SignedInUser) => Promise<{ input: unknown; verify(data: unknown): Promise<void> }>;

describe("authorisation matrix", () => {
  it("grants exactly the issue's permissions to each role", () => {
    expect(Object.keys(ACTIONS).sort()).toEqual([...EXPECTED_ACTIONS].sort());
    for (const action of EXPECTED_ACTIONS)
      for (const role of ROLES) expect([action, role, can(role, action)]).toEqual([action, role, EXPECTED[role](action)]);
  });

  const p = usePipelineTest("authz");
  const { t } = p;
  const users = {} as Record<Role, SignedInUser>;
  let findingIds: string[] = [];
  let n = 0;
  const fresh = (label: string) => `${label}-${++n}`;
  const savedAllowLocal = process.env.POSTURE_ALLOW_LOCAL_REPOS;

  beforeAll(async () => {
    // Registration from the dashboard takes local paths only when the installation allows them (demos, tests).
    process.env.POSTURE_ALLOW_LOCAL_REPOS = "1";
    for (const role of ROLES) {
      // The role dimension is walked org-wide; the team dimension (below) walks the same actions scoped.
      const u = await t.db.user.create({ data: { email: `${role}@example.test`, name: role, role, orgWide: true } });
      users[role] = { id: u.id, email: u.email, name: u.name, role, access: ORG_WIDE };
    }
    // Findings to triage, from a real scan of a small repository.
    const repo = new TestRepo(p.work.path("scanned"));
    repo
      .write("app.py", "def a(x):\n    return eval(x)\n\ndef b(y):\n    return eval(y)\n\ndef c(z):\n    return eval(z)\n")
      .commit("init");
    const registered = await registerRepository(t.db, { url: repo.dir, team: "authz" }, true);
    const { scan } = await enqueueScan(t.db, p.queues, registered.id, "manual");
    await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scan.id, { number: 1, max: 1 });
    findingIds = (
      await t.db.finding.findMany({ where: { repositoryId: registered.id }, orderBy: { line: "asc" }, select: { id: true } })
    ).map((f) => f.id);
  });
  afterAll(() => {
    if (savedAllowLocal === undefined) delete process.env.POSTURE_ALLOW_LOCAL_REPOS;
    else process.env.POSTURE_ALLOW_LOCAL_REPOS = savedAllowLocal;
  });

  const newUser = async (role: Role = "viewer") =>
    t.db.user.create({ data: { email: `${fresh("target")}@example.test`, name: "target", role } });
  const newRepoDir = (label: string) => {
    const r = new TestRepo(p.work.path(fresh(label)));
    r.write("svc.py", "x = 1\n").commit("init");
    return r.dir;
  };
  const newRepository = async () => registerRepository(t.db, { url: newRepoDir("repo"), team: "authz" }, true);
  // A connection for each role's run, through a token scoped to the forge's host.
  let credentialId = "";
  const newConnection = async () => {
    if (!credentialId)
      credentialId = (
        await createCredential(
          t.db,
          { id: null, label: "authz" },
          { kind: "https_token", name: "authz forge token", scope: "ghe.authz.example/acme/*", token: "ghp_authzToken0123456789" },
        )
      ).id;
    return (
      await createConnection(
        t.db,
        { id: null, label: "authz" },
        { name: fresh("conn"), forge: "github", baseUrl: "https://ghe.authz.example", owner: "acme", credentialId, defaultTeam: "authz" },
      )
    ).connection;
  };
  // A finding of its own for a run, and a request for it waiting for an approver (asked by someone else).
  const newFinding = async () => {
    const { id: _id, exceptionId: _x, ...f } = await t.db.finding.findUniqueOrThrow({ where: { id: findingIds[0]! } });
    return t.db.finding.create({
      data: { ...f, fingerprint: fresh("fp"), status: "open", related: undefined, context: undefined, severity: "high" },
    });
  };
  const pendingRequest = async () => {
    const finding = await newFinding();
    const asker = await t.db.user.create({
      data: { email: `${fresh("asker")}@example.test`, name: "asker", role: "engineer", orgWide: true },
    });
    const { triage } = await import("../lib/findings/triage.ts");
    expect(
      await triage(
        t.db,
        [finding.id],
        { status: "accepted_risk", reason: "behind the VPN", acceptedUntil: new Date(Date.now() + 30 * 86_400_000) },
        { id: asker.id, label: asker.email },
        ORG_WIDE,
      ),
    ).toEqual({ updated: 1, pending: 1 });
    const request = await t.db.exceptionRequest.findFirstOrThrow({ where: { findingId: finding.id, state: "pending" } });
    return { finding, request, asker };
  };
  const audited = (action: string, actor: SignedInUser, targetId?: string) =>
    t.db.auditLog.count({ where: { action, actorId: actor.id, ...(targetId ? { targetId } : {}) } });
  /** An action on a fresh user of `role`, checked on that user's row and the audit entry about them. */
  const userChange =
    (role: Role, input: Record<string, string>, auditAction: string, changed: (u: User) => void): Case =>
    async (actor) => {
      const target = await newUser(role);
      return {
        input: { userId: target.id, ...input },
        verify: async () => {
          changed(await t.db.user.findUniqueOrThrow({ where: { id: target.id } }));
          expect(await audited(auditAction, actor, target.id)).toBe(1);
        },
      };
    };
  /** A settings form; `form` is given the role's index so that each role's run saves values of its own. */
  const settingsChange =
    (auditAction: string, form: (i: number) => { input: Record<string, unknown>; saved: Record<string, unknown> }): Case =>
    async (actor) => {
      const { input, saved } = form(ROLES.indexOf(actor.role));
      return {
        input,
        verify: async () => {
          expect(await t.db.settings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject(saved);
          expect(await audited(auditAction, actor)).toBe(1);
        },
      };
    };
  /** Adding or removing a fresh user to or from a fresh team: `before` and `after` count the membership. */
  const membershipChange =
    (o: { before: number; after: number; data: unknown; auditAction: string }): Case =>
    async (actor) => {
      const team = await t.db.team.create({ data: { name: fresh("team") } });
      const target = await newUser("engineer");
      if (o.before) await t.db.teamMember.create({ data: { teamId: team.id, userId: target.id } });
      return {
        input: { teamId: team.id, userId: target.id },
        verify: async (data) => {
          expect(data).toEqual(o.data);
          expect(await t.db.teamMember.count({ where: { teamId: team.id, userId: target.id } })).toBe(o.after);
          expect(await audited(o.auditAction, actor, team.id)).toBe(1);
        },
      };
    };

  const CASES: Record<string, Case> = {
    "users.create": async (actor) => {
      const email = `${fresh("created")}@example.test`;
      return {
        input: { email, role: "engineer" },
        verify: async (data) => {
          expect(data).toMatchObject({ email, password: expect.any(String) });
          const u = await t.db.user.findUniqueOrThrow({ where: { email } });
          expect([u.role, u.passwordHash?.startsWith("$argon2id$"), await audited("user.create", actor, u.id)]).toEqual([
            "engineer",
            true,
            1,
          ]);
        },
      };
    },
    "users.role": userChange("viewer", { role: "engineer" }, "user.role", (u) => expect(u.role).toBe("engineer")),
    "users.disable": userChange("viewer", { disabled: "true" }, "user.disable", (u) => expect(u.disabledAt).toBeInstanceOf(Date)),
    "users.reset-password": async (actor) => {
      const target = await newUser();
      return {
        input: { userId: target.id },
        verify: async (data) => {
          expect(data).toEqual({ password: expect.any(String) });
          expect((await t.db.user.findUniqueOrThrow({ where: { id: target.id } })).passwordHash).toMatch(/^\$argon2id\$/);
          expect(await audited("user.password_reset", actor, target.id)).toBe(1);
        },
      };
    },
    // A security lead manages their own tokens only (test/auth/tokens.test.ts): each role's own account.
    "tokens.create": async (actor) => {
      const name = fresh("token");
      return {
        input: { userId: actor.id, name, scope: "read" },
        verify: async (data) => {
          expect(data).toMatchObject({ token: expect.stringMatching(/^pst_/), name, user: actor.email });
          expect(await t.db.apiToken.count({ where: { userId: actor.id, name, scope: "read", revokedAt: null } })).toBe(1);
        },
      };
    },
    "tokens.revoke": async (actor) => {
      const { record } = await createApiToken(t.db, { userId: actor.id, name: fresh("to-revoke"), scope: "write" });
      return {
        input: { tokenId: record.id },
        verify: async () => {
          expect((await t.db.apiToken.findUniqueOrThrow({ where: { id: record.id } })).revokedAt).toBeInstanceOf(Date);
          expect(await audited("token.revoke", actor, record.id)).toBe(1);
        },
      };
    },
    "settings.update": settingsChange("settings.update", (i) => ({
      input: {
        slaCriticalDays: String(2 + i),
        slaHighDays: "30",
        slaMediumDays: "90",
        slaLowDays: "180",
        scheduleEnabled: "on",
        scheduleCron: "0 3 * * *",
        scheduleTimezone: "UTC",
        countedContexts: ["production", "example"],
      },
      saved: { slaCriticalDays: 2 + i, scheduleCron: "0 3 * * *" },
    })),
    "findings.triage": async (actor) => {
      const id = findingIds[ROLES.indexOf(actor.role)]!;
      const comment = `looked at by the ${actor.role}`;
      return {
        input: { ids: id, status: "in_progress", comment },
        verify: async (data) => {
          expect(data).toEqual({ updated: 1 });
          expect((await t.db.finding.findUniqueOrThrow({ where: { id } })).status).toBe("in_progress");
          expect(await t.db.findingEvent.count({ where: { findingId: id, type: "commented", comment, actorId: actor.id } })).toBe(1);
        },
      };
    },
    "repositories.register": async (actor) => {
      const url = newRepoDir("register");
      return {
        input: { url, team: "authz", name: "", branch: "" },
        verify: async (data) => {
          const repo = await t.db.repository.findFirstOrThrow({ where: { url } });
          expect(data).toMatchObject({ repositoryId: repo.id, scanId: expect.any(String), warning: null });
          const scanId = (data as { scanId: string }).scanId;
          expect((await t.db.scan.findUniqueOrThrow({ where: { id: scanId } })).repositoryId).toBe(repo.id);
          expect(await p.queues.scans.getJob(scanId)).toBeTruthy();
          expect(await audited("repository.register", actor, repo.id)).toBe(1);
        },
      };
    },
    "repositories.register-bulk": async (actor) => {
      const urls = [newRepoDir("bulk"), newRepoDir("bulk")];
      return {
        input: { urls: urls.join("\n"), team: "authz-bulk" },
        verify: async (data) => {
          expect(data).toMatchObject({ registered: 2, failed: 0 });
          const repos = await t.db.repository.findMany({ where: { url: { in: urls } }, select: { id: true } });
          expect(repos).toHaveLength(2);
          for (const r of repos) expect(await audited("repository.register", actor, r.id)).toBe(1);
        },
      };
    },
    "scans.trigger": async (actor) => {
      const repo = await newRepository();
      return {
        input: { repositoryId: repo.id },
        verify: async (data) => {
          expect(data).toMatchObject({ scanId: expect.any(String), created: true });
          const scanId = (data as { scanId: string }).scanId;
          expect(await t.db.scan.findUniqueOrThrow({ where: { id: scanId } })).toMatchObject({
            repositoryId: repo.id,
            status: "queued",
            trigger: "manual",
          });
          expect(await p.queues.scans.getJob(scanId)).toBeTruthy();
          expect(await audited("scan.trigger", actor, repo.id)).toBe(1);
        },
      };
    },
    "scans.rescan-all": async (actor) => {
      const before = await p.queues.org.count();
      const active = await t.db.repository.count({ where: { archivedAt: null } });
      return {
        input: {},
        verify: async (data) => {
          expect(data).toEqual({ requested: true, repositories: active });
          // Nothing consumes the org queue here: the request is the job left waiting on it.
          expect(await p.queues.org.count()).toBe(before + 1);
          expect(await audited("scan.rescan_all", actor)).toBe(1);
        },
      };
    },
    "repositories.archive": async (actor) => {
      const repo = await newRepository();
      return {
        input: { repositoryId: repo.id },
        verify: async () => {
          expect((await t.db.repository.findUniqueOrThrow({ where: { id: repo.id } })).archivedAt).toBeInstanceOf(Date);
          expect(await audited("repository.archive", actor, repo.id)).toBe(1);
        },
      };
    },
    "repositories.restore": async (actor) => {
      const repo = await newRepository();
      await t.db.repository.update({ where: { id: repo.id }, data: { archivedAt: new Date() } });
      return {
        input: { repositoryId: repo.id },
        verify: async () => {
          expect((await t.db.repository.findUniqueOrThrow({ where: { id: repo.id } })).archivedAt).toBeNull();
          expect(await audited("repository.restore", actor, repo.id)).toBe(1);
        },
      };
    },
    "connections.create": async (actor) => {
      const connection = await newConnection();
      const name = fresh("org");
      return {
        input: {
          name,
          forge: "github",
          baseUrl: "https://ghe.authz.example",
          owner: "acme",
          credentialId: connection.credentialId,
          defaultTeam: "authz",
          skipArchived: "on",
          topics: "ml, serving",
          teamRules: "topic:serving = Serving",
          policyMode: "block",
          blockAt: "critical",
        },
        verify: async (data) => {
          const row = await t.db.forgeConnection.findUniqueOrThrow({ where: { name } });
          expect(data).toMatchObject({ connectionId: row.id, name, webhookSecret: expect.stringMatching(/^whsec_/), warning: null });
          expect(openWebhookSecret(row)).toBe((data as { webhookSecret: string }).webhookSecret);
          expect(row).toMatchObject({
            skipArchived: true,
            skipForks: false,
            topics: ["ml", "serving"],
            teamRules: [{ by: "topic", value: "serving", team: "Serving" }],
            policyMode: "block",
            blockAt: "critical",
          });
          expect(await p.queues.forge.getJob(`sync-${row.id}`)).toBeTruthy();
          expect(await audited("connection.create", actor, row.id)).toBe(1);
        },
      };
    },
    "connections.update": async (actor) => {
      const c = await newConnection();
      return {
        input: {
          connectionId: c.id,
          defaultTeam: "elsewhere",
          policyMode: "monitor",
          blockAt: "low",
          skipForks: "on",
          topics: "",
          namePattern: "ml-*",
        },
        verify: async () => {
          expect(await t.db.forgeConnection.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({
            defaultTeam: "elsewhere",
            policyMode: "monitor",
            blockAt: "low",
            skipArchived: false,
            skipForks: true,
            namePattern: "ml-*",
          });
          expect(await audited("connection.update", actor, c.id)).toBe(1);
        },
      };
    },
    "connections.sync": async () => {
      const c = await newConnection();
      return {
        input: { connectionId: c.id },
        verify: async (data) => {
          expect(data).toEqual({ connectionId: c.id, queued: true });
          expect((await p.queues.forge.getJob(`sync-${c.id}`))?.name).toBe("sync");
        },
      };
    },
    "connections.rotate-secret": async (actor) => {
      const c = await newConnection();
      const before = openWebhookSecret(await t.db.forgeConnection.findUniqueOrThrow({ where: { id: c.id } }));
      return {
        input: { connectionId: c.id },
        verify: async (data) => {
          const now = openWebhookSecret(await t.db.forgeConnection.findUniqueOrThrow({ where: { id: c.id } }));
          expect(data).toEqual({ connectionId: c.id, webhookSecret: now });
          expect(now).not.toBe(before);
          expect(await audited("connection.webhook_secret", actor, c.id)).toBe(1);
        },
      };
    },
    "connections.delete": async (actor) => {
      const c = await newConnection();
      return {
        input: { connectionId: c.id },
        verify: async () => {
          expect(await t.db.forgeConnection.count({ where: { id: c.id } })).toBe(0);
          expect(await audited("connection.delete", actor, c.id)).toBe(1);
        },
      };
    },
    "repositories.set-policy": async (actor) => {
      const c = await newConnection();
      const repo = await newRepository();
      await t.db.forgeRepository.create({
        data: {
          connectionId: c.id,
          forgeId: fresh("forge-id"),
          fullName: "acme/x",
          webUrl: "https://ghe.authz.example/acme/x",
          repositoryId: repo.id,
          lastSeenAt: new Date(),
        },
      });
      return {
        input: { repositoryId: repo.id, mode: "block", blockAt: "" },
        verify: async (data) => {
          expect(data).toEqual({ repositoryId: repo.id, mode: "block", blockAt: null });
          expect(await t.db.forgeRepository.findUniqueOrThrow({ where: { repositoryId: repo.id } })).toMatchObject({
            policyMode: "block",
            blockAt: null,
          });
          expect(await audited("repository.policy", actor, repo.id)).toBe(1);
        },
      };
    },
    "rules.set-check-enabled": async (actor) => {
      const checkId = "test.python.eval";
      // Each run flips the check, so each role's run is a real change (and the second one undoes the first).
      const enabled = !(await t.db.check.findUniqueOrThrow({ where: { id: checkId } })).enabled;
      return {
        input: { checkId, enabled: String(enabled), ...(enabled ? {} : { reason: "authz matrix run" }) },
        verify: async (data) => {
          expect(data).toEqual({ checkId, enabled, changed: true });
          expect((await t.db.check.findUniqueOrThrow({ where: { id: checkId } })).enabled).toBe(enabled);
          expect(await audited(enabled ? "check.enable" : "check.disable", actor, checkId)).toBe(1);
        },
      };
    },
    "credentials.create": async (actor) => {
      const name = fresh("credential");
      const scope = `git.example.com/${name}/*`;
      return {
        input: { kind: "https_token", name, scope, token: `tok-${name}-0123456789` },
        verify: async (data) => {
          expect(data).toMatchObject({ name, kind: "https_token", scope, fingerprint: expect.stringMatching(/^sha256:/) });
          expect(JSON.stringify(data)).not.toContain(`tok-${name}`);
          const row = await t.db.credential.findUniqueOrThrow({ where: { name } });
          expect(await audited("credential.create", actor, row.id)).toBe(1);
        },
      };
    },
    "credentials.delete": async (actor) => {
      const name = fresh("doomed");
      const c = await createCredential(
        t.db,
        { id: null, label: "setup" },
        { kind: "https_token", name, scope: `git.example.com/${name}`, token: "tok-doomed-0123456789" },
      );
      return {
        input: { credentialId: c.id },
        verify: async (data) => {
          expect(data).toEqual({ name });
          expect(await t.db.credential.count({ where: { id: c.id } })).toBe(0);
          expect(await audited("credential.delete", actor, c.id)).toBe(1);
        },
      };
    },
    "users.org-wide": userChange("engineer", { orgWide: "true" }, "user.org_wide", (u) => expect(u.orgWide).toBe(true)),
    "teams.add-member": membershipChange({ before: 0, after: 1, data: { added: true }, auditAction: "team.member_add" }),
    "teams.remove-member": membershipChange({ before: 1, after: 0, data: { removed: true }, auditAction: "team.member_remove" }),
    "exceptions.approve": async (actor) => {
      const { finding, request } = await pendingRequest();
      return {
        input: { requestId: request.id, comment: "ok until the migration" },
        verify: async (data) => {
          expect(data).toEqual({ findingId: finding.id, status: "accepted_risk" });
          expect(await t.db.finding.findUniqueOrThrow({ where: { id: finding.id } })).toMatchObject({
            status: "accepted_risk",
            exceptionId: request.id,
          });
          expect(await t.db.exceptionRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
            state: "approved",
            decidedById: actor.id,
            decisionComment: "ok until the migration",
          });
          expect(await audited("finding.exception_approve", actor, finding.id)).toBe(1);
        },
      };
    },
    "exceptions.reject": async (actor) => {
      const { finding, request } = await pendingRequest();
      return {
        input: { requestId: request.id, comment: "fix it instead" },
        verify: async (data) => {
          expect(data).toEqual({ findingId: finding.id });
          expect(await t.db.finding.findUniqueOrThrow({ where: { id: finding.id } })).toMatchObject({ status: "open", exceptionId: null });
          expect(await t.db.exceptionRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
            state: "rejected",
            decidedById: actor.id,
          });
          expect(await audited("finding.exception_reject", actor, finding.id)).toBe(1);
        },
      };
    },
    "settings.exceptions": settingsChange("settings.exceptions", (i) => ({
      input: {
        riskMaxCriticalDays: String(30 + i),
        riskMaxHighDays: "180",
        riskMaxMediumDays: "365",
        riskMaxLowDays: "365",
        approveAcceptedRisk: ["critical", "high"],
        approveFalsePositive: "critical",
        riskExpiryRestartsSla: "on",
      },
      saved: {
        riskMaxCriticalDays: 30 + i,
        approveAcceptedRisk: ["critical", "high"],
        approveFalsePositive: ["critical"],
        riskExpiryRestartsSla: true,
      },
    })),
    "settings.suppressions": settingsChange("settings.suppressions", (i) => {
      // Each role's run sets a different choice, so one run cannot make another's look successful.
      const chosen = [["critical"], ["critical", "high"]][i] ?? [];
      return { input: { refuseSuppressions: chosen }, saved: { refuseSuppressions: chosen } };
    }),
    "credentials.check": async () => {
      const url = newRepoDir("check");
      return {
        input: { url },
        verify: async (data) => {
          expect(data).toMatchObject({
            ok: true,
            verdict: "access works",
            credential: null,
            head: expect.stringMatching(/^[0-9a-f]{40}$/),
          });
        },
      };
    },
  };

  it("every server action refuses roles without its permission before reading its input, and does its work for the others", async () => {
    const defs = await allActionDefs();
    expect(Object.fromEntries(defs.map((d) => [d.name, d.permission]))).toEqual(ACTION_PERMISSIONS);
    // A new action needs a case here, or this fails.
    expect(Object.keys(CASES).sort()).toEqual(defs.map((d) => d.name).sort());
    const checked: string[] = [];
    for (const def of defs) {
      expect(Object.keys(ACTIONS)).toContain(def.permission);
      const anonymous = await runAs(def, { db: t.db, user: null }, {});
      expect([def.name, anonymous]).toEqual([def.name, { ok: false, error: "sign in to continue" }]);
      for (const role of ROLES) {
        const user = users[role];
        const ctx = { db: t.db, user, queues: () => p.queues };
        if (can(role, def.permission)) {
          const { input, verify } = await CASES[def.name]!(user);
          const r = await runAs(def, ctx, input);
          expect([def.name, role, r.ok, r.ok ? null : r.error]).toEqual([def.name, role, true, null]);
          await verify((r as { data: unknown }).data);
        } else {
          // Garbage input: the refusal must come first, whatever the input.
          const r = await runAs(def, ctx, { "\u0000": 1 });
          expect([def.name, role, r]).toEqual([def.name, role, { ok: false, error: `the ${roleLabel(role)} role cannot do this` }]);
        }
        checked.push(`${def.name}:${role}`);
      }
    }
    expect(checked.length).toBe(defs.length * ROLES.length);
  });

  it("asking for an accepted risk: applied for approvers, waiting for an engineer, refused to a viewer", async () => {
    const { triageFindings } = await import("../lib/actions/findings.ts");
    const expected: Record<Role, unknown> = {
      admin: { ok: true, data: { updated: 1 } },
      security_lead: { ok: true, data: { updated: 1 } },
      engineer: { ok: true, data: { updated: 1, pending: 1 } },
      viewer: { ok: false, error: "the viewer role cannot do this" },
    };
    for (const role of ROLES) {
      const f = await newFinding();
      const r = await runAs(
        triageFindings,
        { db: t.db, user: users[role] },
        {
          ids: f.id,
          status: "accepted_risk",
          reason: "compensating control",
          acceptedUntil: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
        },
      );
      expect([role, r]).toEqual([role, expected[role]]);
      const after = await t.db.finding.findUniqueOrThrow({ where: { id: f.id }, include: { exception: true } });
      const status = { admin: "accepted_risk", security_lead: "accepted_risk", engineer: "open", viewer: "open" }[role];
      expect([role, after.status, after.exception?.state ?? null]).toEqual([
        role,
        status,
        role === "viewer" ? null : role === "engineer" ? "pending" : "approved",
      ]);
    }
  });

  it("every dashboard page, server action and route handler goes through a guard", () => {
    const app = join(ROOT, "app");
    const pages = files(join(app, "(dashboard)"), (p) => p.endsWith("page.tsx"));
    expect(pages.length).toBeGreaterThanOrEqual(5);
    for (const p of pages)
      expect([relative(ROOT, p), /require(Repository)?Page\(\s*"[a-z-]+:[a-z-]+"/.test(readFileSync(p, "utf8"))]).toEqual([
        relative(ROOT, p),
        true,
      ]);
    // A page of one repository answers 404 for another team's (issue 16): it starts with requireRepositoryPage.
    for (const p of pages.filter((f) => relative(app, f).startsWith("(dashboard)/repositories/[id]/")))
      expect([relative(ROOT, p), /requireRepositoryPage\(/.test(readFileSync(p, "utf8"))]).toEqual([relative(ROOT, p), true]);
    // Nothing in the UI reads as the system: no org-wide shortcut past the reader's scope.
    for (const p of files(app, (f) => /\.tsx?$/.test(f)))
      expect([relative(ROOT, p), /\b(ORG_WIDE|DEFAULT_VISIBILITY)\b/.test(readFileSync(p, "utf8"))]).toEqual([relative(ROOT, p), false]);

    const serverFiles = files(app, (p) => /\.tsx?$/.test(p)).filter((p) => /^["']use server["']/.test(readFileSync(p, "utf8").trimStart()));
    // Signing in and out is for anyone with (or without) a session; every other server action performs an ActionDef.
    const open = new Set(["signIn", "signOut", "signOutEverywhere"]);
    for (const p of serverFiles) {
      const src = readFileSync(p, "utf8");
      for (const m of src.matchAll(/export async function (\w+)[^{]*\{([\s\S]*?)\n\}/g)) {
        const [, name, body] = m;
        if (open.has(name!)) continue;
        expect([relative(ROOT, p), name, /\b(perform|run)\(/.test(body!)]).toEqual([relative(ROOT, p), name, true]);
      }
    }

    for (const p of files(app, (f) => /route\.tsx?$/.test(f))) {
      const src = readFileSync(p, "utf8");
      // The forges' webhooks have neither a session nor an API token: their guard checks the delivery's signature.
      const path = relative(app, p);
      // Routes of one repository check its scope before their handler runs (repositoryRoute, issue 16).
      const guard = path.startsWith("api/v1/hooks/")
        ? /hookRoute\("(github|gitlab)"\)/
        : path.startsWith("api/v1/repositories/[id]/")
          ? /repositoryRoute(<[^>]*>)?\(/
          : path.startsWith("api/v1")
            ? /apiRoute(<[^>]*>)?\(/
            : /sessionRoute(<[^>]*>)?\(/;
      const handlers = [...src.matchAll(/export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b\s*=?\s*([^\n]*)/g)];
      expect(handlers.length).toBeGreaterThan(0);
      for (const [, method, rest] of handlers)
        expect([relative(ROOT, p), method, guard.test(rest!)]).toEqual([relative(ROOT, p), method, true]);
    }
  });
});

/**
 * The team dimension (issue 16): users of team A, scoped to it, in every role that can be scoped, against team
 * B's repository, findings, scans and team. Every read (pages' queries, aggregates, exports, the API and its
 * tokens, pickers) shows nothing of B, and what an A-scoped reader sees org-wide is exactly what an org-wide
 * reader sees filtered to A; every action refuses B's targets exactly as unknown ones and changes nothing;
 * actions that reach every team are refused to scoped users. Random filters (a seeded generator) as a scoped
 * user return only rows in scope.
 */
describe("authorisation matrix: the team dimension", () => {
  const p = usePipelineTest("authz_team");
  const { t } = p;
  const SCOPED: Role[] = ["security_lead", "engineer", "viewer"];
  const ids = {} as Record<
    | "teamA"
    | "teamB"
    | "repoA"
    | "repoB"
    | "scanA"
    | "scanB"
    | "findingA"
    | "findingB"
    | "onlyB"
    | "requestB"
    | "suppressionA"
    | "suppressionB",
    string
  >;
  const scoped = {} as Record<Role, SignedInUser>;
  const tokens = {} as Record<Role, string>;
  let admin: SignedInUser;
  const savedAllowLocal = process.env.POSTURE_ALLOW_LOCAL_REPOS;

  beforeAll(async () => {
    process.env.POSTURE_ALLOW_LOCAL_REPOS = "1";
    process.env.DATABASE_URL = t.url;
    process.env.POSTURE_QUEUE_PREFIX = p.prefix;
    for (const team of ["A", "B"] as const) {
      const repo = new TestRepo(p.work.path(`team-${team}`));
      // A third eval is suppressed in the code: each team has one suppression (issue 16 §3).
      repo
        .write(
          "app.py",
          "def a(x):\n    return eval(x)\n\ndef b(y):\n    return eval(y)\n\ndef c(z):\n    return eval(z)  # posture: ignore[test.python.eval] z is a constant\n",
        )
        .commit("init");
      const registered = await registerRepository(t.db, { url: repo.dir, team: `team-${team}` }, true);
      const { scan } = await enqueueScan(t.db, p.queues, registered.id, "manual");
      await runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: true }, scan.id, { number: 1, max: 1 });
      ids[`team${team}`] = registered.teamId;
      ids[`repo${team}`] = registered.id;
      ids[`scan${team}`] = scan.id;
      ids[`finding${team}`] = (
        await t.db.finding.findFirstOrThrow({ where: { repositoryId: registered.id }, orderBy: { line: "asc" } })
      ).id;
      ids[`suppression${team}`] = (await t.db.codeSuppression.findFirstOrThrow({ where: { repositoryId: registered.id } })).id;
    }
    const a = await t.db.user.create({ data: { email: "admin@team.test", name: "admin", role: "admin" } });
    admin = { id: a.id, email: a.email, name: a.name, role: "admin", access: ORG_WIDE };
    for (const role of SCOPED) {
      const u = await t.db.user.create({
        data: { email: `${role}@team-a.test`, name: role, role, teams: { create: { teamId: ids.teamA } } },
      });
      scoped[role] = { id: u.id, email: u.email, name: u.name, role, access: { all: false, teamIds: [ids.teamA] } };
      tokens[role] = (await createApiToken(t.db, { userId: u.id, name: "t", scope: "write" })).token;
    }
    // An engineer of team B only: someone team A's people do not know of, and who cannot see A's findings.
    ids.onlyB = (
      await t.db.user.create({
        data: { email: "engineer@team-b.test", name: "b", role: "engineer", teams: { create: { teamId: ids.teamB } } },
      })
    ).id;
    // Team B's engineer asks to accept a risk of a second B finding: a request no team-A lead may decide.
    const { triage } = await import("../lib/findings/triage.ts");
    const second = await t.db.finding.findFirstOrThrow({ where: { repositoryId: ids.repoB, id: { not: ids.findingB } } });
    expect(
      await triage(
        t.db,
        [second.id],
        { status: "accepted_risk", reason: "b's call", acceptedUntil: new Date(Date.now() + 86_400_000) },
        { id: ids.onlyB, label: "engineer@team-b.test" },
        { all: false, teamIds: [ids.teamB] },
      ),
    ).toEqual({ updated: 1, pending: 1 });
    ids.requestB = (await t.db.exceptionRequest.findFirstOrThrow({ where: { findingId: second.id } })).id;
  });
  afterAll(() => {
    if (savedAllowLocal === undefined) delete process.env.POSTURE_ALLOW_LOCAL_REPOS;
    else process.env.POSTURE_ALLOW_LOCAL_REPOS = savedAllowLocal;
  });

  const teamOf = async (repositoryIds: string[]) =>
    new Set((await t.db.repository.findMany({ where: { id: { in: repositoryIds } }, select: { teamId: true } })).map((r) => r.teamId));
  const onlyA = async (repositoryIds: string[]) => {
    for (const team of await teamOf(repositoryIds)) expect(team).toBe(ids.teamA);
  };

  it("a scoped user's session and API token carry their teams; an admin's and an org-wide user's carry all", async () => {
    const { verifyApiToken } = await import("../lib/auth/tokens.ts");
    for (const role of SCOPED)
      expect((await verifyApiToken(t.db, tokens[role]))?.user.access).toEqual({ all: false, teamIds: [ids.teamA] });
    const org = await t.db.user.create({ data: { email: "org@team.test", name: "org", role: "viewer", orgWide: true } });
    expect(
      (await verifyApiToken(t.db, (await createApiToken(t.db, { userId: org.id, name: "o", scope: "read" })).token))?.user.access,
    ).toEqual(ORG_WIDE);
    // Moved out of the team, the token loses the team at once: the scope is read with the token, not stored in it.
    const lead = scoped.security_lead;
    await t.db.teamMember.delete({ where: { teamId_userId: { teamId: ids.teamA, userId: lead.id } } });
    expect((await verifyApiToken(t.db, tokens.security_lead))?.user.access).toEqual({ all: false, teamIds: [] });
    await t.db.teamMember.create({ data: { teamId: ids.teamA, userId: lead.id } });
  });

  it("every read shows a scoped user their teams' repositories only, and exactly what an org-wide reader sees of them", async () => {
    const { loadVisibility } = await import("../lib/findings/visibility.ts");
    const q = await import("../lib/findings/queries.ts");
    const o = await import("../lib/dashboard/overview.ts");
    const r = await import("../lib/dashboard/remediation.ts");
    const tr = await import("../lib/dashboard/trends.ts");
    const h = await import("../lib/dashboard/heatmap.ts");
    const cov = await import("../lib/dashboard/coverage.ts");
    const repos = await import("../lib/repos/queries.ts");
    const rules = await import("../lib/rules/queries.ts");
    const org = await loadVisibility(t.db, ORG_WIDE);
    const now = new Date();
    const all = q.parseFindingView({ status: "all", context: "all" });
    // The fixture can tell: both teams have findings.
    expect(
      (await q.findingPage(t.db, q.parseFindingView({ team: ids.teamB, status: "all", context: "all" }), undefined, now, org)).total,
    ).toBeGreaterThan(0);
    for (const role of SCOPED) {
      const user = scoped[role];
      const v = await loadVisibility(t.db, user.access);
      const label = (what: string) => `${role}: ${what}`;
      const page = await q.findingPage(t.db, all, user.id, now, v);
      expect(page.total, label("findings table")).toBeGreaterThan(0);
      await onlyA(page.rows.map((x) => x.repositoryId));
      expect(page).toEqual(await q.findingPage(t.db, { ...all, team: ids.teamA }, user.id, now, org));
      expect((await q.findingPage(t.db, { ...all, repository: ids.repoB }, user.id, now, v)).total, label("table asked for B")).toBe(0);
      expect((await q.findingPage(t.db, { ...all, team: ids.teamB }, user.id, now, v)).total).toBe(0);
      const exported = await q.exportFindings(t.db, all, user.id, 1000, now, v);
      expect(exported.findings.length).toBe(page.total);
      await onlyA(exported.findings.map((f) => f.repositoryId));
      const api = await q.listFindings(t.db, q.findingFilters.parse({}), user.id, v);
      await onlyA(api.items.map((f) => f.repositoryId));
      expect((await q.listFindings(t.db, q.findingFilters.parse({ repository: ids.repoB }), user.id, v)).items).toEqual([]);
      expect(await q.findingDetail(t.db, ids.findingB, user.access), label("finding page of B")).toBeNull();
      expect(await q.findingDetail(t.db, ids.findingA, user.access)).not.toBeNull();
      expect(await q.apiFinding(t.db, ids.findingB, user.access)).toBeNull();
      const options = await q.findingFilterOptions(t.db, user.access);
      expect(options.repositories.map((x) => x.id)).toEqual([ids.repoA]);
      expect(options.teams.map((x) => x.id)).toEqual([ids.teamA]);
      expect(
        options.users.map((x) => x.id),
        label("assignee picker"),
      ).not.toContain(ids.onlyB);
      expect((await q.assignableUsers(t.db, user.access)).map((x) => x.id)).not.toContain(ids.onlyB);

      const eq = async <T>(what: string, mine: T, reference: T) => expect(mine, label(what)).toEqual(reference);
      await eq(
        "open findings",
        await o.openFindings(t.db, { visibility: v, now }),
        await o.openFindings(t.db, { teamId: ids.teamA, visibility: org, now }),
      );
      await eq(
        "mttr",
        await o.mttr(t.db, { days: 30, visibility: v, now }),
        await o.mttr(t.db, { days: 30, teamId: ids.teamA, visibility: org, now }),
      );
      await eq(
        "coverage",
        await o.coverage(t.db, { now, access: user.access }),
        await o.coverage(t.db, { now, teamId: ids.teamA, access: ORG_WIDE }),
      );
      await eq(
        "trend",
        await tr.openTrend(t.db, { days: 5, visibility: v, now }),
        await tr.openTrend(t.db, { days: 5, teamId: ids.teamA, visibility: org, now }),
      );
      // The reused past flows are keyed by the scope too: an org-wide reader's cached figures never reach a scoped one.
      await tr.openTrend(t.db, { days: 5, visibility: org, now, reusePast: true });
      await eq(
        "cached trend",
        await tr.openTrend(t.db, { days: 5, visibility: v, now, reusePast: true }),
        await tr.openTrend(t.db, { days: 5, teamId: ids.teamA, visibility: org, now }),
      );
      await eq(
        "status breakdown",
        await r.statusBreakdown(t.db, { visibility: v }),
        await r.statusBreakdown(t.db, { teamId: ids.teamA, visibility: org }),
      );
      await eq("sla", await r.slaView(t.db, { visibility: v, now }), await r.slaView(t.db, { teamId: ids.teamA, visibility: org, now }));
      await eq(
        "accepted risks",
        await r.acceptedRisks(t.db, { visibility: v, now }),
        await r.acceptedRisks(t.db, { teamId: ids.teamA, visibility: org, now }),
      );
      const remOptions = await r.remediationFilterOptions(
        t.db,
        r.remediationParams.parse({ team: ids.teamB, repository: ids.repoB }),
        user.access,
      );
      expect([remOptions.teams.map((x) => x.id), remOptions.repositories, remOptions.chosen]).toEqual([[ids.teamA], [], null]);
      for (const columns of ["repositories", "teams"]) {
        await eq(
          `heatmap by ${columns}`,
          await h.heatmap(t.db, h.heatmapParams.parse({ columns }), v),
          await h.heatmap(t.db, h.heatmapParams.parse({ columns, team: ids.teamA }), org),
        );
      }
      expect((await cov.coverageTrend(t.db, { days: 2, now, access: user.access })).at(-1)?.repositories).toBe(1);
      expect((await repos.listRepositories(t.db, { visibility: v, includeArchived: true })).map((x) => x.id)).toEqual([ids.repoA]);
      expect(await repos.listRepositories(t.db, { id: ids.repoB, visibility: v })).toEqual([]);
      expect(
        (await repos.repositoryPage(t.db, repos.repositoryListParams.parse({ archived: "include" }), v)).rows.map((x) => x.id),
      ).toEqual([ids.repoA]);
      expect((await repos.repositoryPage(t.db, repos.repositoryListParams.parse({ team: ids.teamB }), v)).total).toBe(0);
      expect((await repos.listTeams(t.db, user.access)).map((x) => x.id)).toEqual([ids.teamA]);
      expect(await repos.activeRepositoryCount(t.db, user.access)).toBe(1);
      expect(await repos.scanInScope(t.db, ids.scanB, user.access)).toBeNull();
      expect(await repos.scanInScope(t.db, ids.scanA, user.access)).not.toBeNull();
      const open = (cat: Awaited<ReturnType<typeof rules.rulesCatalogue>>) => cat.flatMap((pol) => pol.checks.map((c) => [c.id, c.open]));
      await eq(
        "rules counts",
        open(await rules.rulesCatalogue(t.db, user.access)),
        open(await rules.rulesCatalogue(t.db, ORG_WIDE)).map(([id, n]) => [id, id === "test.python.eval" ? (n as number) / 2 : n]),
      );
    }
  });

  it("the API answers 404 for another team's repository, scan and finding, and lists none of them", async () => {
    type Route = Record<string, (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>>;
    const call = (route: Route, method: string, token: string, params: Record<string, string> = {}, body?: unknown) =>
      route[method]!(
        new Request("http://localhost/api/v1/x", {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        }),
        { params: Promise.resolve(params) },
      );
    const byId = {
      repository: (await import("../app/api/v1/repositories/[id]/route.ts")) as unknown as Route,
      scans: (await import("../app/api/v1/repositories/[id]/scans/route.ts")) as unknown as Route,
      export: (await import("../app/api/v1/repositories/[id]/export/route.ts")) as unknown as Route,
      restore: (await import("../app/api/v1/repositories/[id]/restore/route.ts")) as unknown as Route,
      changes: (await import("../app/api/v1/repositories/[id]/changes/route.ts")) as unknown as Route,
      change: (await import("../app/api/v1/repositories/[id]/changes/[changeId]/route.ts")) as unknown as Route,
      scan: (await import("../app/api/v1/scans/[id]/route.ts")) as unknown as Route,
      finding: (await import("../app/api/v1/findings/[id]/route.ts")) as unknown as Route,
    };
    const list = {
      repositories: (await import("../app/api/v1/repositories/route.ts")) as unknown as Route,
      findings: (await import("../app/api/v1/findings/route.ts")) as unknown as Route,
    };
    for (const role of SCOPED) {
      const token = tokens[role];
      const cases: [Route, string, Record<string, string>, unknown?][] = [
        [byId.repository, "GET", { id: ids.repoB }],
        [byId.repository, "DELETE", { id: ids.repoB }],
        [byId.scans, "GET", { id: ids.repoB }],
        [byId.scans, "POST", { id: ids.repoB }],
        [byId.export, "GET", { id: ids.repoB }],
        [byId.restore, "POST", { id: ids.repoB }],
        [byId.changes, "GET", { id: ids.repoB }],
        [byId.change, "GET", { id: ids.repoB, changeId: "x" }],
        [byId.scan, "GET", { id: ids.scanB }],
        [byId.finding, "GET", { id: ids.findingB }],
        [byId.finding, "PATCH", { id: ids.findingB }, { comment: "hello" }],
      ];
      for (const [route, method, params, body] of cases) {
        const res = await call(route, method, token, params, body);
        // Roles without the permission are refused before the scope is looked at (403); none gets past to B.
        expect([role, method, params, res.status]).toEqual([role, method, params, res.status === 403 ? 403 : 404]);
      }
      expect((await call(byId.repository, "GET", token, { id: ids.repoA })).status).toBe(200);
      const repos = (await (await call(list.repositories, "GET", token)).json()) as { repositories: { id: string }[] };
      expect(repos.repositories.map((x) => x.id)).toEqual([ids.repoA]);
      const findings = (await (await call(list.findings, "GET", token)).json()) as { items: { repositoryId: string }[] };
      expect(findings.items.length).toBeGreaterThan(0);
      await onlyA(findings.items.map((f) => f.repositoryId));
    }
    expect(await t.db.findingEvent.count({ where: { findingId: ids.findingB, type: "commented" } })).toBe(0);
    expect((await t.db.repository.findUniqueOrThrow({ where: { id: ids.repoB } })).archivedAt).toBeNull();
    expect(await t.db.scan.count({ where: { repositoryId: ids.repoB } })).toBe(1);
  });

  it("the suppressions page and API show a scoped security lead team A's only; B's ids answer 404; others are refused", async () => {
    const sq = await import("../lib/suppressions/queries.ts");
    type Route = Record<string, (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>>;
    const listRoute = (await import("../app/api/v1/suppressions/route.ts")) as unknown as Route;
    const oneRoute = (await import("../app/api/v1/suppressions/[id]/route.ts")) as unknown as Route;
    const get = (route: Route, token: string, query = "", params: Record<string, string> = {}) =>
      route.GET!(new Request(`http://localhost/api/v1/suppressions${query}`, { headers: { authorization: `Bearer ${token}` } }), {
        params: Promise.resolve(params),
      });
    // The fixture can tell: org-wide, both teams' suppressions are listed.
    const everything = await sq.suppressionPage(t.db, sq.suppressionViewParams.parse({}), ORG_WIDE);
    expect(new Set(everything.rows.map((r) => r.repository.id))).toEqual(new Set([ids.repoA, ids.repoB]));

    const lead = scoped.security_lead;
    const page = await sq.suppressionPage(t.db, sq.suppressionViewParams.parse({}), lead.access);
    expect(page.rows.map((r) => r.id)).toEqual([ids.suppressionA]);
    expect(page.summary.total).toBe(1);
    expect((await sq.suppressionPage(t.db, sq.suppressionViewParams.parse({ team: ids.teamB }), lead.access)).rows).toEqual([]);
    await expect(sq.assertFiltersInScope(t.db, { repository: ids.repoB }, lead.access)).rejects.toThrow(/no such repository/);
    await expect(sq.assertFiltersInScope(t.db, { team: ids.teamB }, lead.access)).rejects.toThrow(/no such team/);
    await sq.assertFiltersInScope(t.db, { repository: ids.repoA, team: ids.teamA }, lead.access);
    expect(await sq.suppressionById(t.db, ids.suppressionB, lead.access)).toBeNull();
    expect(await sq.suppressionCheckOptions(t.db, lead.access)).toEqual([...new Set(page.rows.map((r) => r.checkId))]);

    const { exportSuppressions } = await import("../lib/suppressions/export.ts");
    const csv = (await exportSuppressions(t.db, {}, lead.access)).csv;
    expect([csv.includes("team-A"), csv.includes("team-B")]).toEqual([true, false]);
    await expect(exportSuppressions(t.db, { repository: ids.repoB }, lead.access)).rejects.toThrow(/no such repository/);
    const list = (await (await get(listRoute, tokens.security_lead)).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toEqual([ids.suppressionA]);
    expect((await get(listRoute, tokens.security_lead, `?repository=${ids.repoB}`)).status).toBe(404);
    expect((await get(listRoute, tokens.security_lead, `?team=${ids.teamB}`)).status).toBe(404);
    expect((await get(oneRoute, tokens.security_lead, "", { id: ids.suppressionB })).status).toBe(404);
    expect((await get(oneRoute, tokens.security_lead, "", { id: ids.suppressionA })).status).toBe(200);
    // A malformed or unknown parameter is a 400 naming it, never an empty list.
    for (const query of ["?kind=bogus", "?reason=none", "?sort=path", "?limit=0"]) {
      const res = await get(listRoute, tokens.security_lead, query);
      expect([query, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([query, 400, "invalid_input"]);
    }
    // Engineers and viewers do not see the suppressions at all, in any team.
    for (const role of ["engineer", "viewer"] as const) {
      expect([role, (await get(listRoute, tokens[role])).status]).toEqual([role, 403]);
      expect([role, (await get(oneRoute, tokens[role], "", { id: ids.suppressionA })).status]).toEqual([role, 403]);
    }
  });

  /**
   * What each action does to team B's things when run by a team-A user: refused as unknown ("target"), refused
   * because it reaches every team ("org-wide"), or it has no team target at all ("none", with why). A new action
   * needs its entry here.
   */
  type TeamCase =
    | { kind: "target"; input: () => unknown; error: RegExp; unchanged: () => Promise<unknown> }
    | { kind: "org-wide" }
    | { kind: "none"; why: string };
  const snapshotB = async () => ({
    finding: await t.db.finding.findUniqueOrThrow({ where: { id: ids.findingB }, select: { status: true, assigneeId: true } }),
    repo: await t.db.repository.findUniqueOrThrow({ where: { id: ids.repoB }, select: { archivedAt: true } }),
    scans: await t.db.scan.count({ where: { repositoryId: ids.repoB } }),
    members: await t.db.teamMember.count({ where: { teamId: ids.teamB } }),
    repos: await t.db.repository.count({ where: { teamId: ids.teamB } }),
    requests: await t.db.exceptionRequest.findMany({
      where: { finding: { repositoryId: ids.repoB } },
      select: { id: true, state: true },
      orderBy: { id: "asc" },
    }),
  });
  const TEAM_CASES: Record<string, TeamCase> = {
    "findings.triage": {
      kind: "target",
      input: () => ({ ids: ids.findingB, status: "in_progress", comment: "x" }),
      error: /do not exist/,
      unchanged: snapshotB,
    },
    "scans.trigger": { kind: "target", input: () => ({ repositoryId: ids.repoB }), error: /no such repository/, unchanged: snapshotB },
    "repositories.archive": {
      kind: "target",
      input: () => ({ repositoryId: ids.repoB }),
      error: /no such repository/,
      unchanged: snapshotB,
    },
    "repositories.restore": {
      kind: "target",
      input: () => ({ repositoryId: ids.repoB }),
      error: /no such repository/,
      unchanged: snapshotB,
    },
    "repositories.register": {
      kind: "target",
      input: () => ({ url: new TestRepo(p.work.path(`reg-${Math.random()}`)).write("a.py", "x=1\n").dir, team: "team-B" }),
      error: /only in your own teams/,
      unchanged: snapshotB,
    },
    "repositories.register-bulk": {
      kind: "target",
      input: () => ({ urls: new TestRepo(p.work.path(`bulk-${Math.random()}`)).write("a.py", "x=1\n").dir, team: "team-B" }),
      error: /only in your own teams/,
      unchanged: snapshotB,
    },
    "teams.add-member": {
      kind: "target",
      input: () => ({ teamId: ids.teamB, userId: scoped.engineer.id }),
      error: /no such team/,
      unchanged: snapshotB,
    },
    "teams.remove-member": {
      kind: "target",
      input: () => ({ teamId: ids.teamB, userId: ids.onlyB }),
      error: /no such team/,
      unchanged: snapshotB,
    },
    "exceptions.approve": { kind: "target", input: () => ({ requestId: ids.requestB }), error: /no such request/, unchanged: snapshotB },
    "exceptions.reject": {
      kind: "target",
      input: () => ({ requestId: ids.requestB, comment: "no" }),
      error: /no such request/,
      unchanged: snapshotB,
    },
    "settings.exceptions": { kind: "org-wide" },
    "settings.suppressions": { kind: "org-wide" },
    "scans.rescan-all": { kind: "org-wide" },
    "settings.update": { kind: "org-wide" },
    "rules.set-check-enabled": { kind: "org-wide" },
    "users.create": { kind: "org-wide" },
    "users.role": { kind: "org-wide" },
    "users.disable": { kind: "org-wide" },
    "users.reset-password": { kind: "org-wide" },
    "users.org-wide": { kind: "org-wide" },
    "credentials.create": { kind: "org-wide" },
    "credentials.delete": { kind: "org-wide" },
    "connections.create": { kind: "org-wide" },
    "connections.update": { kind: "org-wide" },
    "connections.sync": { kind: "org-wide" },
    "connections.rotate-secret": { kind: "org-wide" },
    "connections.delete": { kind: "org-wide" },
    "repositories.set-policy": { kind: "org-wide" },
    "tokens.create": { kind: "none", why: "a user's own token; it has its user's scope (tested above)" },
    "tokens.revoke": { kind: "none", why: "a user's own token" },
    "credentials.check": { kind: "none", why: "asks whether a URL can be cloned; reads no repository of Posture's" },
  };

  it("every action refuses another team's targets as unknown ones and changes nothing; actions reaching every team refuse scoped users", async () => {
    const defs = await allActionDefs();
    expect(Object.keys(TEAM_CASES).sort()).toEqual(defs.map((d) => d.name).sort());
    let refused = 0;
    for (const def of defs) {
      const c = TEAM_CASES[def.name]!;
      for (const role of SCOPED) {
        const user = scoped[role];
        const ctx = { db: t.db, user, queues: () => p.queues };
        if (!can(role, def.permission) || c.kind === "none") continue;
        if (c.kind === "org-wide") {
          const r = await runAs(def, ctx, { "\u0000": 1 });
          expect([def.name, role, r]).toEqual([
            def.name,
            role,
            { ok: false, error: `this affects every team: a ${roleLabel(role)} scoped to teams cannot do it` },
          ]);
        } else {
          const before = await c.unchanged();
          const r = await runAs(def, ctx, c.input());
          const failed = !r.ok || (def.name === "repositories.register-bulk" && (r.data as { registered: number }).registered === 0);
          expect([def.name, role, failed, r.ok ? JSON.stringify(r.data) : r.error]).toEqual([
            def.name,
            role,
            true,
            expect.stringMatching(c.error),
          ]);
          expect([def.name, role, await c.unchanged()]).toEqual([def.name, role, before]);
        }
        refused++;
      }
      // An admin is never scoped: the same targets are theirs.
      if (c.kind === "org-wide")
        expect(await runAs(def, { db: t.db, user: admin, queues: () => p.queues }, { "\u0000": 1 })).not.toMatchObject({
          error: expect.stringMatching(/every team/),
        });
    }
    expect(refused).toBeGreaterThan(20);
  });

  it("assigns only to people who can see the finding, and a scoped user cannot name someone of another team", async () => {
    const { triageFindings } = await import("../lib/actions/findings.ts");
    const ctx = { db: t.db, user: scoped.engineer };
    expect(await runAs(triageFindings, ctx, { ids: ids.findingA, assignee: ids.onlyB })).toEqual({
      ok: false,
      error: "no such user to assign to",
    });
    const r = await runAs(triageFindings, { db: t.db, user: admin }, { ids: ids.findingA, assignee: ids.onlyB });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/cannot see/) });
    expect(await runAs(triageFindings, ctx, { ids: ids.findingA, assignee: scoped.security_lead.id })).toEqual({
      ok: true,
      data: { updated: 1 },
    });
    expect((await t.db.finding.findUniqueOrThrow({ where: { id: ids.findingA } })).assigneeId).toBe(scoped.security_lead.id);
  });

  it("a security lead manages the members of their own teams, audited; an admin those of every team", async () => {
    const { addTeamMemberAction, removeTeamMemberAction } = await import("../lib/actions/admin.ts");
    const lead = scoped.security_lead;
    const newcomer = await t.db.user.create({ data: { email: "new@team.test", name: "new", role: "viewer" } });
    expect(await runAs(addTeamMemberAction, { db: t.db, user: lead }, { teamId: ids.teamA, userId: newcomer.id })).toEqual({
      ok: true,
      data: { added: true },
    });
    expect(await t.db.auditLog.count({ where: { action: "team.member_add", actorId: lead.id, targetId: ids.teamA } })).toBe(1);
    expect(await runAs(removeTeamMemberAction, { db: t.db, user: lead }, { teamId: ids.teamA, userId: newcomer.id })).toEqual({
      ok: true,
      data: { removed: true },
    });
    expect(await runAs(addTeamMemberAction, { db: t.db, user: admin }, { teamId: ids.teamB, userId: newcomer.id })).toEqual({
      ok: true,
      data: { added: true },
    });
    expect(await t.db.teamMember.count({ where: { userId: newcomer.id } })).toBe(1);
  });

  it("random filters as a scoped user return only rows in scope (a seeded property test)", async () => {
    const { loadVisibility } = await import("../lib/findings/visibility.ts");
    const q = await import("../lib/findings/queries.ts");
    const h = await import("../lib/dashboard/heatmap.ts");
    const repos = await import("../lib/repos/queries.ts");
    const sq = await import("../lib/suppressions/queries.ts");
    // mulberry32: a seed printed on failure reproduces the run.
    const seed = Number(process.env.AUTHZ_SEED ?? 1616);
    let a = seed;
    const rand = () => {
      a = (a + 0x6d2b79f5) | 0;
      let x = Math.imul(a ^ (a >>> 15), 1 | a);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const some = (xs: readonly string[]) => xs.filter(() => rand() < 0.5).join(",") || undefined;
    const anyId = () => pick([undefined, ids.repoA, ids.repoB, ids.teamA, ids.teamB, "nope", ids.findingB]);
    let rows = 0;
    for (let i = 0; i < 150; i++) {
      const role = pick(SCOPED);
      const user = scoped[role];
      const v = await loadVisibility(t.db, user.access);
      const raw = {
        repository: pick([undefined, ids.repoA, ids.repoB, anyId()]),
        team: pick([undefined, ids.teamA, ids.teamB, anyId()]),
        severity: some(["critical", "high", "medium", "low"]),
        status: pick([undefined, "all", some(["open", "in_progress", "fixed", "false_positive", "accepted_risk", "reopened"])]),
        context: pick([undefined, "all", some(["production", "example", "test", "docs", "build"])]),
        assignee: pick([undefined, "me", "none", ids.onlyB]),
        sort: pick(["-severity", "dueAt", "repository", "-firstSeenAt", "status", "overdue"]),
        page: pick(["1", "2", "999"]),
        check: pick([undefined, "test.python.eval"]),
        q: pick(["", "team", "A"]),
      };
      const why = JSON.stringify({ seed, i, role, raw });
      const view = q.parseFindingView(raw);
      const page = await q.findingPage(t.db, view, user.id, new Date(), v);
      const exported = await q.exportFindings(t.db, view, user.id, 500, new Date(), v);
      const api = await q.listFindings(
        t.db,
        q.findingFilters.parse(
          Object.fromEntries(
            Object.entries({ repository: raw.repository, team: raw.team, severity: raw.severity, check: raw.check }).filter(
              ([, x]) => x !== undefined,
            ),
          ),
        ),
        user.id,
        v,
      );
      const heat = await h.heatmap(
        t.db,
        h.heatmapParams.parse({ team: raw.team, severity: raw.severity, columns: pick(["repositories", "teams"]) }),
        v,
      );
      const list = await repos.repositoryPage(
        t.db,
        repos.repositoryListParams.parse({ q: raw.q, team: raw.team, archived: pick(["include", "exclude", "only"]) }),
        v,
      );
      // The suppressions page takes any filter: scope first, so B's repository or team only narrows to nothing.
      const suppressions = await sq.suppressionPage(
        t.db,
        sq.suppressionViewParams.parse({
          repository: raw.repository,
          team: raw.team,
          check: raw.check,
          kind: pick([undefined, "inline", "exclusion", "bogus"]),
          reason: pick([undefined, "missing", "given"]),
          honoured: pick([undefined, "yes", "no"]),
        }),
        user.access,
      );
      const seen = [
        ...suppressions.rows.map((x) => x.repository.id),
        ...page.rows.map((x) => x.repositoryId),
        ...exported.findings.map((f) => f.repositoryId),
        ...api.items.map((f) => f.repositoryId),
        ...list.rows.map((x) => x.id),
      ];
      rows += seen.length;
      for (const team of await teamOf(seen)) expect([why, team]).toEqual([why, ids.teamA]);
      for (const col of heat.columns) expect([why, col.id === ids.repoA || col.id === ids.teamA]).toEqual([why, true]);
    }
    // Enough of the random views were non-empty for the property to mean something.
    expect(rows).toBeGreaterThan(100);
  });
});
