/**
 * One error type (issue 18): every domain error is a DomainError (lib/errors.ts), and each transport maps it
 * once: the API (toErrorResponse), server actions (describeError) and the CLI (cliFailure). The table says,
 * for one instance of every class, what each of the three must answer; a class added without a row fails the
 * coverage check at the end. Unknown errors answer generically and are logged, never shown.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ActionError, describeError } from "../lib/actions/define.ts";
import { ApiError, toErrorResponse } from "../lib/api/http.ts";
import { AccessDenied } from "../lib/auth/guard.ts";
import { PasswordPolicyError } from "../lib/auth/passwords.ts";
import { TokenError } from "../lib/auth/tokens.ts";
import { UserError } from "../lib/auth/users.ts";
import { BaselineError } from "../lib/cli/baseline.ts";
import { cliFailure, UsageError } from "../lib/cli/io.ts";
import { ConfigError } from "../lib/config.ts";
import { ConnectionError } from "../lib/connections/client.ts";
import { SecretKeyError } from "../lib/credentials/key.ts";
import { MaterialError } from "../lib/credentials/material.ts";
import { ScopeError } from "../lib/credentials/scope.ts";
import { CredentialError } from "../lib/credentials/service.ts";
import { Prisma } from "../lib/db/client.ts";
import { MigrationError } from "../lib/db/migrate.ts";
import { RulebookError } from "../lib/engine/rulebook.ts";
import { DemoError, DemoExistsError } from "../lib/demo/seed.ts";
import { ScanRootError } from "../lib/engine/scan.ts";
import { DomainError, STATUS_OF_CODE } from "../lib/errors.ts";
import { ExceptionError } from "../lib/findings/exceptions.ts";
import { BadCursorError } from "../lib/findings/queries.ts";
import { TriageError } from "../lib/findings/triage.ts";
import { QueueUnavailableError } from "../lib/queue/queues.ts";
import { RegistrationError } from "../lib/repos/service.ts";
import { RepoUrlError } from "../lib/repos/url.ts";
import { RepositoryNotScannableError } from "../lib/scan/enqueue.ts";

const USAGE = "usage: posture …";
const GENERIC_ACTION = "something went wrong on the server; nothing was changed";
const GENERIC_API = { code: "internal_error", message: "something went wrong on the server" };

/** [error, HTTP status, API code, the form's field]; a 5xx other than 503 is the operator's: generic to clients. */
const TABLE: [DomainError, number, string, string?][] = [
  [new ApiError(413, "payload_too_large", "too big"), 413, "payload_too_large"],
  [new AccessDenied("unauthenticated", "sign in to continue"), 401, "unauthenticated"],
  [new AccessDenied("forbidden", "the viewer role cannot do this"), 403, "forbidden"],
  [new ActionError("no URLs given", "urls"), 400, "invalid_input", "urls"],
  [new RegistrationError("duplicate", "already registered"), 409, "duplicate"],
  [new RegistrationError("invalid_url", "not a URL"), 400, "invalid_url"],
  [new RegistrationError("invalid_input", "no team"), 400, "invalid_input"],
  [new TriageError("not_found", "no such finding"), 404, "not_found"],
  [new TriageError("unknown_assignee", "no such user"), 400, "unknown_assignee"],
  [new TriageError("invalid_input", "a reason is required"), 400, "invalid_input"],
  [new ExceptionError("not_found", "no such request"), 404, "not_found"],
  [new ExceptionError("invalid_input", "too long"), 400, "invalid_input"],
  [new ExceptionError("not_pending", "already decided"), 409, "not_pending"],
  [new ExceptionError("own_request", "not your own"), 409, "own_request"],
  [new RepositoryNotScannableError("not_found", "no such repository"), 404, "not_found"],
  [new RepositoryNotScannableError("archived", "the repository is archived"), 409, "archived"],
  [new QueueUnavailableError(), 503, "queue_unavailable"],
  [new BadCursorError("the cursor is not valid"), 400, "invalid_input", "cursor"],
  [new UserError("no such user", undefined, "not_found"), 404, "not_found"],
  [new UserError("a user with email a@b already exists", "email", "duplicate"), 409, "duplicate", "email"],
  [new UserError("this is the last active admin", undefined, "conflict"), 409, "conflict"],
  [new UserError("you cannot disable your own account"), 400, "invalid_input"],
  [new PasswordPolicyError("a password needs at least 12 characters"), 400, "invalid_input", "password"],
  [new TokenError("no such token"), 400, "invalid_input"],
  [new CredentialError("give the credential a name", "name"), 400, "invalid_input", "name"],
  [new MaterialError("not a private key", "privateKey"), 400, "invalid_input", "privateKey"],
  [new ScopeError("the scope's host is not valid"), 400, "invalid_input", "scope"],
  [new ConnectionError("the owner is not found", "owner"), 400, "invalid_input", "owner"],
  [new RepoUrlError("not a repository URL"), 400, "invalid_url"],
  [new SecretKeyError("POSTURE_SECRET_KEY is not set"), 503, "not_configured"],
  [new UsageError("unknown command: x"), 400, "usage"],
  [new BaselineError("main: no such ref"), 400, "invalid_input"],
  [new ScanRootError("/nowhere", "no such directory"), 400, "invalid_input"],
  [new RulebookError("rules/x.policy.yaml", "bad YAML"), 500, "invalid_rulebook"],
  [new DemoError("demo/repos/x/history.yaml is missing"), 500, "demo"],
  [new DemoExistsError("the demo organisation already exists"), 500, "demo"],
  [new MigrationError("migration 20261204000000_rollups failed: syntax error"), 500, "migration_failed"],
  [new ConfigError("POSTURE_SCAN_TIMEOUT_MS", "POSTURE_SCAN_TIMEOUT_MS: not a number"), 500, "invalid_config"],
];

/** The classes the table covers by name (a class renamed or dropped fails the last test). */
const TABLE_CLASSES = [
  "ApiError",
  "AccessDenied",
  "ActionError",
  "RegistrationError",
  "TriageError",
  "ExceptionError",
  "RepositoryNotScannableError",
  "QueueUnavailableError",
  "BadCursorError",
  "UserError",
  "PasswordPolicyError",
  "TokenError",
  "CredentialError",
  "MaterialError",
  "ScopeError",
  "ConnectionError",
  "RepoUrlError",
  "SecretKeyError",
  "UsageError",
  "BaselineError",
  "ScanRootError",
  "RulebookError",
  "DemoError",
  "MigrationError",
  "ConfigError",
];

afterEach(() => vi.restoreAllMocks());

describe("DomainError mapped once per transport", () => {
  it.each(TABLE.map((row) => [`${row[0].constructor.name} ${row[2]}`, ...row] as const))(
    "%s",
    async (_label, error, status, code, field) => {
      expect(error).toBeInstanceOf(DomainError);
      expect([error.status, error.code, error.field]).toEqual([status, code, field]);
      const shown = status < 500 || status === 503;
      const log = vi.spyOn(console, "error").mockImplementation(() => undefined);

      const res = toErrorResponse(error);
      expect(res.status).toBe(status);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect((await res.json()).error).toEqual(shown ? { code, message: error.message } : GENERIC_API);

      expect(describeError(error)).toEqual(
        shown ? (field ? { error: error.message, field } : { error: error.message }) : { error: GENERIC_ACTION },
      );
      // Only what a client is not told is logged.
      expect(log).toHaveBeenCalledTimes(shown ? 0 : 2);

      // The terminal is the operator's: every DomainError's message, the usage after a usage error; exit 2.
      expect(cliFailure(error, USAGE)).toEqual({
        exitCode: 2,
        stderr: error instanceof UsageError ? `posture: ${error.message}\n${USAGE}\n` : `posture: ${error.message}\n`,
      });
    },
  );

  it("answers anything else generically, with the details in the log only", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const secret = new Error('relation "Finding" at /srv/posture/lib/db.ts: password=hunter2');
    const res = toErrorResponse(secret);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error).toEqual(GENERIC_API);
    expect(text).not.toContain("hunter2");
    expect(describeError(secret)).toEqual({ error: GENERIC_ACTION });
    expect(log).toHaveBeenCalledTimes(2);
    const line = JSON.parse(String(log.mock.calls[0]![0]));
    expect([line.msg, line.error, line.detail]).toEqual(["api error", "Error", secret.message]);
    expect(JSON.parse(String(log.mock.calls[1]![0])).msg).toBe("action error");
    // Not a DomainError because it looks like one: a code and a status on a plain object mean nothing.
    expect(toErrorResponse(Object.assign(new Error("x"), { code: "not_found", status: 404 })).status).toBe(500);
    expect(cliFailure(secret, USAGE)).toEqual({ exitCode: 2, stderr: `posture: unexpected error: ${secret.message}\n` });
    expect(cliFailure(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }), USAGE).stderr).toMatch(/cannot reach the database/);
  });

  it("answers a row gone between read and write (Prisma P2025) as not found", async () => {
    const gone = new Prisma.PrismaClientKnownRequestError("No record was found for an update.", { code: "P2025", clientVersion: "6" });
    const res = toErrorResponse(gone);
    expect([res.status, (await res.json()).error.code]).toEqual([404, "not_found"]);
    expect(describeError(gone)).toEqual({ error: "it no longer exists (reload the page)" });
  });

  it("knows the status of every code a DomainError class in lib/ names", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? (n === "generated" ? [] : files(p)) : p.endsWith(".ts") ? [p] : [];
      });
    // Each class body up to its closing brace at the start of a line, and the literal codes it passes to super().
    const classes = files(join(import.meta.dirname, "../lib")).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/class (\w+) extends DomainError \{([\s\S]*?)\n\}/g)].map((m) => ({
        name: m[1]!,
        codes: [...m[2]!.matchAll(/super\("(\w+)"/g)].map((c) => c[1]!),
      })),
    );
    expect(classes.length).toBeGreaterThan(20);
    // A class added later must name codes STATUS_OF_CODE knows (else it silently answers 400), or have a row.
    const unknown = classes.flatMap((c) => c.codes.filter((code) => !(code in STATUS_OF_CODE)).map((code) => `${c.name}: ${code}`));
    expect(unknown.filter((u) => !TABLE.some(([e]) => `${e.constructor.name}: ${e.code}` === u))).toEqual([]);
    // Every class of this change has its row above; classes added later are held to the rule just checked.
    const covered = new Set(TABLE.map(([e]) => e.constructor.name));
    expect(TABLE_CLASSES.filter((c) => !covered.has(c))).toEqual([]);
    expect(TABLE_CLASSES.filter((c) => !classes.some((x) => x.name === c))).toEqual([]);
  });
});
