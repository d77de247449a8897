/** Route-handler plumbing for the HTTP API: bearer-token auth, permission checks, bounded JSON bodies, JSON errors. */
import type { z } from "zod";
import type { Actor } from "../audit.ts";
import { can, canWithScope, readOnlyAction, type Action } from "../auth/permissions.ts";
import { bearerToken, verifyApiToken, type TokenPrincipal } from "../auth/tokens.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/client.ts";
import { repositoryInScope } from "../findings/visibility.ts";
import { clientView } from "../security/forwarded.ts";
import { safeText } from "../security/text.ts";
import { DomainError, errorIsShown, logUnexpected } from "../errors.ts";

/** A failure of the request itself (authentication, body, size): a DomainError with its status given. */
export class ApiError extends DomainError {
  constructor(status: number, code: string, message: string) {
    super(code, message, { status });
  }
}

export function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export const MAX_JSON_BYTES = 1024 * 1024;

/** Reads a JSON body of at most `maxBytes`, validated by `schema`. */
export async function readJson<T extends z.ZodType>(req: Request, schema: T, maxBytes = MAX_JSON_BYTES): Promise<z.infer<T>> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new ApiError(413, "payload_too_large", `the request body is larger than ${maxBytes} bytes`);
  if (!(req.headers.get("content-type") ?? "").toLowerCase().includes("application/json"))
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json");
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new ApiError(413, "payload_too_large", `the request body is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new ApiError(400, "invalid_json", "the request body is not valid JSON");
  }
  return parseWith(schema, raw);
}

/** Every query and body of the API is parsed here; NUL and unpaired surrogates are refused first (lib/security/text.ts). */
export function parseWith<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = safeText(schema).safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ApiError(400, "invalid_input", `${i.path.join(".") || "input"}: ${i.message}`);
  }
  return parsed.data;
}

export function searchParams(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams.entries());
}

export async function authenticate(db: Db, req: Request, action: Action): Promise<TokenPrincipal> {
  const token = bearerToken(req.headers.get("authorization"));
  if (!token) throw new ApiError(401, "unauthenticated", "send an API token as Authorization: Bearer <token>");
  const principal = await verifyApiToken(db, token);
  if (!principal) throw new ApiError(401, "unauthenticated", "the API token is unknown, expired or revoked");
  if (principal.scope === "read" && !readOnlyAction(action)) throw new ApiError(403, "insufficient_scope", "this token is read-only");
  if (!can(principal.user.role, action))
    throw new ApiError(403, "forbidden", `the ${principal.user.role.replace("_", " ")} role cannot do this`);
  if (!canWithScope(principal.user, action))
    throw new ApiError(403, "forbidden", "this affects every team: a role scoped to teams cannot do it");
  return principal;
}

/**
 * The API's one mapping of errors to responses (every route handler's, through apiRoute / repositoryRoute /
 * sessionRoute): a DomainError answers with its status, code and message (lib/errors.ts); Prisma's "record to
 * update not found" is a 404 (a row deleted between read and write); anything else is logged and a 500 that
 * says nothing about internals.
 */
export function toErrorResponse(e: unknown): Response {
  if (errorIsShown(e)) return errorResponse(e.status, e.code, e.message);
  if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2025") return errorResponse(404, "not_found", "not found");
  logUnexpected("api error", e);
  return errorResponse(500, "internal_error", "something went wrong on the server");
}

export function actorOf(principal: TokenPrincipal, req: Request): Actor {
  return { id: principal.user.id, label: `${principal.user.email} (API token)`, ip: clientView(req.headers).ip };
}

type Handler<C> = (ctx: { req: Request; principal: TokenPrincipal; actor: Actor; params: C }) => Promise<Response>;

/** Wraps a route handler: authentication and permission for `action`, and errors as JSON. */
export function apiRoute<C = Record<string, never>>(db: () => Db, action: Action, handler: Handler<C>) {
  return async (req: Request, routeCtx?: { params?: Promise<C> }): Promise<Response> => {
    try {
      const principal = await authenticate(db(), req, action);
      const params = ((await routeCtx?.params) ?? {}) as C;
      return await handler({ req, principal, actor: actorOf(principal, req), params });
    } catch (e) {
      return toErrorResponse(e);
    }
  };
}

/**
 * A route under /api/v1/repositories/:id: as apiRoute, and a repository outside the token's scope (its user's)
 * answers 404 before the handler runs, exactly as an unknown id does. test/authz-matrix.test.ts checks every
 * such route is built with this.
 */
export function repositoryRoute<C extends { id: string }>(db: () => Db, action: Action, handler: Handler<C>) {
  return apiRoute<C>(db, action, async (ctx) => {
    if (!(await repositoryInScope(db(), ctx.principal.user.access, ctx.params.id)))
      throw new ApiError(404, "not_found", "no such repository");
    return handler(ctx);
  });
}
