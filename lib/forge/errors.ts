/**
 * What went wrong talking to a forge, as a code a caller can act on. The message is for people (an admin
 * connecting an organisation); it names the forge, the request path and the forge's own one-line reason, never
 * a token, a header or a redirect's full target.
 */
export type ForgeErrorCode =
  /** The base URL, an owner or repository name, or an App private key is not acceptable. */
  | "invalid_config"
  /** The forge's host is (or resolves to) an address outside the public internet and the allowed networks. */
  | "address_refused"
  | "unresolved"
  /** Could not connect, the connection broke, or TLS failed. */
  | "network"
  | "timeout"
  /** A redirect to another host (or scheme or port), which is never followed. */
  | "redirect"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  /** The forge refused the request as invalid (400, 409, 422). */
  | "rejected"
  /** The answer is not JSON, not of the expected shape, too large, or points elsewhere. */
  | "bad_response"
  | "server_error";

export class ForgeError extends Error {
  constructor(
    readonly code: ForgeErrorCode,
    message: string,
    readonly info: {
      /** The HTTP status, when the forge answered. */
      status?: number;
      /** When a rate limit lifts, if the forge said. */
      retryAt?: Date;
      /** A connection refused or broken, which a retry may get through (a TLS failure is not). */
      transient?: boolean;
    } = {},
  ) {
    super(message);
    this.name = "ForgeError";
  }
}

/** One line of text from the forge, safe to show: control characters out, bounded. */
export function oneLine(text: string, max = 200): string {
  const flat = text
    .replace(/[\x00-\x1f\x7f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
