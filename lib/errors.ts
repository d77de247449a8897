/**
 * One error type for failures a person caused or can act on (bad input, a missing or archived repository, a
 * refused permission, the queue being down). Each carries a stable `code` (the API's `error.code`), a message
 * written to be shown, the HTTP status it answers with and, for forms, the field it belongs to.
 *
 * Domain modules throw subclasses of DomainError (RegistrationError, TriageError, ...; their names stay so
 * callers can still tell them apart) and never think about transports. Each transport maps them once:
 * the API in lib/api/http.ts (toErrorResponse, used by every route handler), server actions in
 * lib/actions/define.ts (describeError: form state with the field), the CLI in lib/cli/io.ts (cliFailure: exit
 * code and message). Anything else is a bug: logged in full on the server and answered with a generic 500 /
 * "something went wrong", because its message may hold SQL, paths or internal addresses.
 *
 * A DomainError with a 5xx status other than 503 is the operator's to fix (a bad setting): the CLI shows it,
 * clients get the generic answer (errorIsShown).
 */

/** The status a code answers with unless the error says otherwise. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  invalid_input: 400,
  invalid_url: 400,
  invalid_json: 400,
  usage: 400,
  unauthenticated: 401,
  forbidden: 403,
  insufficient_scope: 403,
  not_found: 404,
  duplicate: 409,
  conflict: 409,
  archived: 409,
  not_pending: 409,
  own_request: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  queue_unavailable: 503,
  not_configured: 503,
  invalid_config: 500,
};

export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  /** The form field the message is about (dashboard forms put it next to that field). */
  readonly field?: string;

  constructor(code: string, message: string, opts: { status?: number; field?: string } = {}) {
    super(message);
    this.code = code;
    this.status = opts.status ?? STATUS_OF_CODE[code] ?? 400;
    this.field = opts.field;
  }
}

/** Whether a client may see the error's message: every DomainError but an operator's 5xx. */
export function errorIsShown(e: unknown): e is DomainError {
  return e instanceof DomainError && (e.status < 500 || e.status === 503);
}

/** One log line for an unexpected error, for the operator: what the client was not told. */
export function logUnexpected(where: string, e: unknown): void {
  const err = e instanceof Error ? e : undefined;
  console.error(
    JSON.stringify({
      time: new Date().toISOString(),
      msg: where,
      error: err?.name ?? typeof e,
      detail: (err?.message ?? String(e)).slice(0, 2000),
      stack: err?.stack?.split("\n").slice(1, 11).join("\n"),
    }),
  );
}
