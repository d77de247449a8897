/**
 * The one way Posture talks to a forge's REST API. Every request:
 *  - goes to the configured base's origin only: a redirect or a pagination link to another host, scheme or
 *    port is refused, never followed, so a token is never sent anywhere else;
 *  - connects only to addresses checked right before (public, or in POSTURE_GIT_ALLOWED_NETWORKS), pinned
 *    into the connection, so a name re-resolving elsewhere (DNS rebinding) changes nothing; no proxy;
 *  - is bounded in time and in the size of the answer, and its answer is validated with zod;
 *  - honours rate limits (Retry-After, X-RateLimit-Remaining/-Reset, GitLab's RateLimit-*) by waiting, but
 *    never longer than maxRateLimitWaitMs at a time nor more than maxRetries times: beyond that, rate_limited.
 * Failures are ForgeErrors with a code.
 */
import type { IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { BlockList, LookupFunction } from "node:net";
import { isIP } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { AddressRefusedError, allowedNetworks, checkedAddresses, HostUnresolvedError } from "../net/address.ts";
import type { ForgeBase } from "./base-url.ts";
import { ForgeError, oneLine } from "./errors.ts";

export interface HttpOptions {
  /** The whole exchange of one request (connect, answer, body). Default 15 s. */
  timeoutMs?: number;
  /** The longest a rate limit is waited out at a time; a longer one fails at once with rate_limited. Default 60 s. */
  maxRateLimitWaitMs?: number;
  /** Retries of one request after a rate limit, or (GET only) a 502/503/504 or a broken connection. Default 3. */
  maxRetries?: number;
  /** Where a forge may be besides the public internet. Default: POSTURE_GIT_ALLOWED_NETWORKS. */
  networks?: BlockList;
  /** Certificates to trust instead of the system's (tests; an internal CA can also come from NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
  /** Default 20 MiB. */
  maxBodyBytes?: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions<S extends z.ZodType> {
  method?: "GET" | "POST" | "PATCH" | "PUT";
  query?: Query;
  body?: unknown;
  schema: S;
  /** Headers of this request only (e.g. an App's JWT instead of the client's token). */
  headers?: Record<string, string>;
}

export interface Answer<T> {
  data: T;
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered (after same-origin redirects). */
  url: URL;
}

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The forge's own reason from an error body ({message} on GitHub; {message} or {error} on GitLab). */
function reason(body: Buffer): string {
  try {
    const j = JSON.parse(body.toString("utf8")) as { message?: unknown; error?: unknown; error_description?: unknown };
    const m = j.message ?? j.error_description ?? j.error;
    if (typeof m === "string") return oneLine(m);
    if (m && typeof m === "object") return oneLine(JSON.stringify(m));
  } catch {
    /* not JSON: say nothing rather than echo a proxy's HTML */
  }
  return "";
}

/** How long the forge asks to wait, if the answer is a rate limit (ms; NaN when it does not say). */
function rateLimitWait(raw: Raw, now: number): number | null {
  const remaining = header(raw.headers, "x-ratelimit-remaining") ?? header(raw.headers, "ratelimit-remaining");
  const retryAfter = header(raw.headers, "retry-after");
  // GitHub answers 403 to both a rate limit and a permission problem: only the headers tell them apart.
  const limited =
    raw.status === 429 || (raw.status === 403 && (remaining === "0" || retryAfter !== undefined || /rate limit/i.test(reason(raw.body))));
  if (!limited) return null;
  if (retryAfter !== undefined) {
    const s = Number(retryAfter);
    if (Number.isFinite(s)) return Math.max(0, s * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = Number(header(raw.headers, "x-ratelimit-reset") ?? header(raw.headers, "ratelimit-reset"));
  if (remaining === "0" && Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return NaN;
}

export class ForgeHttp {
  private readonly timeoutMs: number;
  private readonly maxWait: number;
  private readonly maxRetries: number;
  private readonly networks: BlockList;
  private readonly maxBodyBytes: number;
  /** Set when an answer said no requests remain: the next request waits until then. */
  private pausedUntil = 0;

  constructor(
    /** "GitHub" or "GitLab", for messages. */
    readonly name: string,
    readonly base: ForgeBase,
    /** The client's authentication headers, asked for before each request (an App token may have been renewed). */
    private readonly auth: () => Promise<Record<string, string>>,
    private readonly defaultHeaders: Record<string, string>,
    private readonly opts: HttpOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.maxWait = opts.maxRateLimitWaitMs ?? 60_000;
    this.maxRetries = opts.maxRetries ?? 3;
    this.networks = opts.networks ?? allowedNetworks();
    this.maxBodyBytes = opts.maxBodyBytes ?? 20 * 2 ** 20;
  }

  /** An API path (below the base's prefix) with a query, as a URL on the base's origin. */
  url(path: string, query: Query = {}): URL {
    const u = new URL(`${this.base.origin}${this.base.prefix}${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  /** A URL the forge handed back (a redirect, a pagination link), accepted only on the base's origin and prefix. */
  sameOrigin(target: string, from: URL, what: string): URL {
    let u: URL;
    try {
      u = new URL(target, from);
    } catch {
      throw new ForgeError("bad_response", `${this.name} answered with a ${what} that is not a URL`);
    }
    if (u.origin !== this.base.origin || u.username || u.password) {
      throw new ForgeError(
        "redirect",
        `${this.name} answered with a ${what} to ${u.protocol === "https:" || u.protocol === "http:" ? u.host : "another scheme"}, which is not followed: requests go only to ${this.base.origin}`,
      );
    }
    if (!u.pathname.startsWith(`${this.base.prefix}/`))
      throw new ForgeError(
        "redirect",
        `${this.name} answered with a ${what} outside its API (${this.base.prefix || "/"}), which is not followed`,
      );
    u.hash = "";
    return u;
  }

  async request<S extends z.ZodType>(target: string | URL, opts: RequestOptions<S>): Promise<Answer<z.infer<S>>> {
    const method = opts.method ?? "GET";
    let url = typeof target === "string" ? this.url(target, opts.query) : target;
    const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    let redirects = 0;
    let retries = 0;
    for (;;) {
      await this.waitForPause(url);
      let raw: Raw;
      try {
        raw = await this.send(method, url, body, { ...this.defaultHeaders, ...(await this.auth()), ...opts.headers });
      } catch (e) {
        // A request that may have reached the forge is not repeated unless repeating it is harmless.
        if (e instanceof ForgeError && e.info.transient && method === "GET" && retries < this.maxRetries) {
          await sleep(500 * 2 ** retries++);
          continue;
        }
        throw e;
      }
      this.notePause(raw);
      const wait = rateLimitWait(raw, Date.now());
      if (wait !== null) {
        // The forge did not say how long: GitHub asks for at least a minute, then longer (secondary limits).
        const ms = Number.isNaN(wait) ? 60_000 * 2 ** retries : wait;
        const retryAt = new Date(Date.now() + ms);
        if (retries >= this.maxRetries || ms > this.maxWait) {
          throw new ForgeError("rate_limited", `${this.name} rate-limited ${url.pathname} until ${retryAt.toISOString()}`, {
            status: raw.status,
            retryAt,
          });
        }
        retries++;
        await sleep(ms);
        continue;
      }
      if (REDIRECTS.has(raw.status)) {
        const location = header(raw.headers, "location");
        if (!location)
          throw new ForgeError("bad_response", `${this.name} answered ${raw.status} without a Location`, { status: raw.status });
        const next = this.sameOrigin(location, url, "redirect");
        // Only a read follows a redirect (GitHub moves renamed repositories' API URLs with 301).
        if (method !== "GET" || ++redirects > MAX_REDIRECTS)
          throw new ForgeError("redirect", `${this.name} redirected ${method} ${url.pathname}, which is not followed`, {
            status: raw.status,
          });
        url = next;
        continue;
      }
      if ((raw.status === 502 || raw.status === 503 || raw.status === 504) && method === "GET" && retries < this.maxRetries) {
        await sleep(500 * 2 ** retries++);
        continue;
      }
      if (raw.status < 200 || raw.status >= 300) throw this.statusError(method, url, raw);
      return { data: this.parse(url, raw, opts.schema), status: raw.status, headers: raw.headers, url };
    }
  }

  /**
   * Every page of a listing: the next page from the Link header (rel="next"), else GitLab's X-Next-Page;
   * a link must stay on the base's origin, and a listing longer than maxPages fails rather than run on.
   */
  async pages<S extends z.ZodType, T>(
    path: string,
    query: Query,
    schema: S,
    items: (data: z.infer<S>) => T[],
    maxPages = 100,
  ): Promise<T[]> {
    const out: T[] = [];
    const seen = new Set<string>();
    let url: URL | null = this.url(path, query);
    while (url) {
      if (seen.size >= maxPages) throw new ForgeError("bad_response", `${this.name} listed more than ${maxPages} pages of ${path}`);
      seen.add(url.href);
      const answer: Answer<z.infer<S>> = await this.request(url, { schema });
      out.push(...items(answer.data));
      const link = nextLink(header(answer.headers, "link"));
      let next: URL | null = link ? this.sameOrigin(link, answer.url, "pagination link") : null;
      const page = header(answer.headers, "x-next-page");
      if (!next && page && /^\d{1,9}$/.test(page)) {
        next = new URL(answer.url);
        next.searchParams.set("page", page);
      }
      if (next && seen.has(next.href))
        throw new ForgeError("bad_response", `${this.name}'s pages of ${path} lead back to a page already read`);
      url = next;
    }
    return out;
  }

  private statusError(method: string, url: URL, raw: Raw): ForgeError {
    const why = reason(raw.body);
    const what = `${this.name} answered ${raw.status} to ${method} ${url.pathname}${why ? `: ${why}` : ""}`;
    const info = { status: raw.status };
    if (raw.status === 401) return new ForgeError("unauthorized", `${what} (the token or key is wrong, expired or revoked)`, info);
    if (raw.status === 403) return new ForgeError("forbidden", `${what} (the token lacks a scope or permission for this)`, info);
    if (raw.status === 404) return new ForgeError("not_found", `${what} (it does not exist, or the token cannot see it)`, info);
    if (raw.status === 400 || raw.status === 409 || raw.status === 422) return new ForgeError("rejected", what, info);
    if (raw.status >= 500) return new ForgeError("server_error", what, info);
    return new ForgeError("bad_response", what, info);
  }

  private parse<S extends z.ZodType>(url: URL, raw: Raw, schema: S): z.infer<S> {
    let json: unknown;
    try {
      json = raw.body.length === 0 ? undefined : JSON.parse(raw.body.toString("utf8"));
    } catch {
      const type = header(raw.headers, "content-type")?.split(";")[0];
      throw new ForgeError(
        "bad_response",
        `${this.name} answered ${url.pathname} with something that is not JSON${type ? ` (${oneLine(type, 60)})` : ""}: is the URL the forge's?`,
        { status: raw.status },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length ? issue.path.join(".") : "the answer";
      throw new ForgeError(
        "bad_response",
        `${this.name} answered ${url.pathname} in an unexpected shape (${where}: ${oneLine(issue.message, 120)})`,
        { status: raw.status },
      );
    }
    return parsed.data;
  }

  private notePause(raw: Raw): void {
    if (raw.status < 200 || raw.status >= 300) return;
    const remaining = header(raw.headers, "x-ratelimit-remaining") ?? header(raw.headers, "ratelimit-remaining");
    const reset = Number(header(raw.headers, "x-ratelimit-reset") ?? header(raw.headers, "ratelimit-reset"));
    if (remaining === "0" && Number.isFinite(reset)) this.pausedUntil = Math.max(this.pausedUntil, reset * 1000);
  }

  private async waitForPause(url: URL): Promise<void> {
    const ms = this.pausedUntil - Date.now();
    if (ms <= 0) return;
    if (ms > this.maxWait)
      throw new ForgeError(
        "rate_limited",
        `${this.name}'s rate limit for this token is used up until ${new Date(this.pausedUntil).toISOString()} (before ${url.pathname})`,
        { retryAt: new Date(this.pausedUntil) },
      );
    await sleep(ms);
  }

  /** One exchange, to the checked addresses of the base's host only. */
  private async send(method: string, url: URL, body: Buffer | undefined, headers: Record<string, string>): Promise<Raw> {
    if (url.origin !== this.base.origin)
      throw new ForgeError("redirect", `a request to ${url.host} was refused: requests go only to ${this.base.origin}`);
    const host = this.base.host;
    let addresses: string[];
    try {
      addresses = await checkedAddresses(host, this.networks);
    } catch (e) {
      if (e instanceof AddressRefusedError)
        throw new ForgeError(
          "address_refused",
          `${host} is (or resolves to) an address on this machine or a private network; only forges on the public internet, or in POSTURE_GIT_ALLOWED_NETWORKS, are contacted`,
        );
      if (e instanceof HostUnresolvedError) throw new ForgeError("unresolved", `${host} does not resolve`);
      throw e;
    }
    const pinned: LookupFunction = (_name, options, callback) => {
      const all = addresses.map((address) => ({ address, family: isIP(address) }));
      if (options.all) (callback as unknown as (e: null, a: typeof all) => void)(null, all);
      else callback(null, all[0]!.address, all[0]!.family);
    };
    return await new Promise<Raw>((resolve, reject) => {
      let settled = false;
      const fail = (e: ForgeError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const req = httpsRequest(
        {
          host,
          port: this.base.port,
          path: `${url.pathname}${url.search}`,
          method,
          headers: {
            ...headers,
            host: url.host,
            ...(body ? { "content-type": "application/json", "content-length": String(body.length) } : {}),
          },
          lookup: pinned,
          servername: isIP(host) ? undefined : host,
          ca: this.opts.ca,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > this.maxBodyBytes)
              fail(
                new ForgeError(
                  "bad_response",
                  `${this.name}'s answer to ${url.pathname} is larger than ${Math.round(this.maxBodyBytes / 2 ** 20)} MiB`,
                  { status: res.statusCode },
                ),
              );
            else chunks.push(c);
          });
          res.on("end", () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on("error", () =>
            fail(
              new ForgeError("network", `the connection to ${host} broke while ${this.name} answered ${url.pathname}`, { transient: true }),
            ),
          );
        },
      );
      const timer = setTimeout(
        () =>
          fail(
            new ForgeError(
              "timeout",
              `${this.name} did not answer ${method} ${url.pathname} within ${Math.round(this.timeoutMs / 100) / 10} s`,
            ),
          ),
        this.timeoutMs,
      );
      req.on("error", (e: NodeJS.ErrnoException) => {
        const tls = /CERT|SSL|TLS|self.signed|altname/i.test(`${e.code ?? ""} ${e.message}`);
        fail(
          tls
            ? new ForgeError("network", `the TLS certificate of ${host} is not trusted (${oneLine(e.code ?? e.message, 80)})`)
            : new ForgeError(
                "network",
                `could not reach ${this.name} at ${this.base.origin} (${oneLine(e.code ?? "connection failed", 40)})`,
                { transient: true },
              ),
        );
      });
      req.end(body);
    });
  }
}

/** The next page's URL from a Link header (RFC 8288), if it has rel="next". */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(?:^|;)\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(m[2]!)) return m[1]!;
  }
  return null;
}

/** What a forge client is made with: how it talks HTTP, its token, and how far one listing may page. */
export interface TokenClientOptions extends HttpOptions {
  /** A token, or a function giving the current one (an App's installation token is renewed before it expires). */
  token: string | (() => Promise<string>);
  /** At most this many pages of 100 in one listing. Default 100. */
  maxPages?: number;
}

/** The part GitHub's and GitLab's clients share: an HTTP client that sends the current token the forge's way. */
export abstract class TokenClient {
  readonly http: ForgeHttp;
  protected readonly maxPages: number;

  constructor(
    name: string,
    readonly base: ForgeBase,
    /** The token as the forge's authentication header. */
    authHeader: (token: string) => Record<string, string>,
    headers: Record<string, string>,
    opts: TokenClientOptions,
  ) {
    const token = opts.token;
    this.http = new ForgeHttp(name, base, async () => authHeader(typeof token === "string" ? token : await token()), headers, opts);
    this.maxPages = opts.maxPages ?? 100;
  }
}
