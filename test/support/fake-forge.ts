/**
 * A forge for tests: a real HTTPS server on 127.0.0.x (its own certificate, made with openssl, for the client
 * to trust; valid for 127.0.0.1-3, localhost and this machine's host name) answering the subset of GitHub's REST API (under /api/v3, as GitHub Enterprise Server) and
 * GitLab's (under /api/v4) that lib/forge calls, the way they answer: pagination by Link header (GitLab also
 * X-Next-Page), rate-limit headers and refusals, App JWTs checked against the App's public key, installation
 * tokens, commit statuses, issue comments and merge-request notes. Everything received is recorded.
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { hostname } from "node:os";
import { selfSignedCertificate } from "./git-servers.ts";

export interface Received {
  method: string;
  /** Decoded path segments joined by "/" (GitLab's %2F in a project path stays one segment: see `segments`). */
  path: string;
  segments: string[];
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
}

/** An answer given instead of the normal one, once, to the first request it matches. */
export interface Canned {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as is (e.g. not JSON). */
  raw?: string;
  /** Never answer. */
  hang?: boolean;
}

export interface GitHubRepoSeed {
  name: string;
  private?: boolean;
  visibility?: "public" | "private" | "internal";
  archived?: boolean;
  fork?: boolean;
  topics?: string[];
  default_branch?: string | null;
}

export interface GitLabProjectSeed {
  /** group/subgroup/name */
  path: string;
  visibility?: "public" | "private" | "internal";
  archived?: boolean;
  fork?: boolean;
  topics?: string[];
  default_branch?: string | null;
}

interface Comment {
  id: number;
  body: string;
  user: { login: string };
  html_url: string;
}

interface Note {
  id: number;
  body: string;
  system: boolean;
  author: { username: string };
}

export interface RecordedStatus {
  forge: "github" | "gitlab";
  repo: string;
  sha: string;
  login: string;
  body: Record<string, unknown>;
}

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

const b64json = (s: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
  } catch {
    return null;
  }
};

export class FakeForge {
  readonly received: Received[] = [];
  readonly statuses: RecordedStatus[] = [];
  /** "owner/name#number" → comments, oldest first. */
  readonly comments = new Map<string, Comment[]>();
  /** "group/name!iid" → notes, oldest first. */
  readonly notes = new Map<string, Note[]>();
  /** token → the login it acts as. */
  readonly tokens = new Map<string, string>();
  /** The most items a page holds, whatever per_page asks (both forges cap it; at 100). */
  pageSize = 100;
  /** How GitLab says where the next page is: both headers, as it does, or only one of them. */
  gitlabPagination: "both" | "link" | "x-next-page" = "both";
  /** Requests allowed per window, per forge flavour; then 403 (GitHub) or 429 (GitLab) until the reset. */
  rate = { limit: 5000, windowSeconds: 3600 };
  readonly app = { id: 0, slug: "", publicKey: null as KeyObject | null, installations: [] as { id: number; account: string }[] };

  private readonly ghOwners = new Map<string, { login: string; type: "Organization" | "User" }>();
  private readonly ghRepos = new Map<string, (GitHubRepoSeed & { id: number; owner: string })[]>();
  private readonly glNamespaces = new Map<string, "group" | "user">();
  private readonly glProjects: (GitLabProjectSeed & { id: number })[] = [];
  private readonly installationOf = new Map<string, number>();
  private readonly windows = new Map<string, { remaining: number; reset: number }>();
  private readonly canned: { match: (r: Received) => boolean; answer: Canned }[] = [];
  private readonly sockets = new Set<Socket>();
  private nextId = 1000;

  private constructor(
    readonly url: string,
    /** The server's certificate: what a client must trust (HttpOptions.ca). */
    readonly ca: string,
    private readonly close_: () => Promise<void>,
  ) {}

  static async start(host = "127.0.0.1"): Promise<FakeForge> {
    const { key, cert } = selfSignedCertificate(
      "posture-fake-forge",
      `IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3,DNS:localhost,DNS:${hostname()}`,
    );
    let forge: FakeForge | undefined;
    const server = createServer({ key, cert }, (req, res) => void forge!.handle(req, res));
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, () => resolve()));
    const port = (server.address() as AddressInfo).port;
    forge = new FakeForge(
      `https://${host}:${port}`,
      cert,
      () =>
        new Promise((resolve) => {
          for (const s of forge!.sockets) s.destroy();
          server.close(() => resolve());
        }),
    );
    server.on("secureConnection", (s: Socket) => {
      forge!.sockets.add(s);
      s.on("close", () => forge!.sockets.delete(s));
    });
    // A client hanging up on a TLS handshake or a hung answer is part of the tests.
    server.on("tlsClientError", () => {});
    return forge;
  }

  close(): Promise<void> {
    return this.close_();
  }

  /** The next request `match` accepts gets `answer` instead. */
  once(match: (r: Received) => boolean, answer: Canned): void {
    this.canned.push({ match, answer });
  }

  /** What was received under the API, as "METHOD path?query" (query keys sorted). */
  log(): string[] {
    return this.received.map((r) => {
      const q = Object.keys(r.query)
        .sort()
        .map((k) => `${k}=${r.query[k]}`)
        .join("&");
      return `${r.method} ${r.path}${q ? `?${q}` : ""}`;
    });
  }

  token(login: string): string {
    const t = `tok_${randomBytes(12).toString("hex")}`;
    this.tokens.set(t, login);
    return t;
  }

  githubOwner(login: string, type: "Organization" | "User", repos: GitHubRepoSeed[]): void {
    this.ghOwners.set(login.toLowerCase(), { login, type });
    this.ghRepos.set(
      login.toLowerCase(),
      repos.map((r) => ({ ...r, id: this.nextId++, owner: login })),
    );
  }

  /** An owner's repositories as seeded, to change in place (rename, archive, delete) while keeping their ids. */
  githubRepos(login: string): (GitHubRepoSeed & { id: number; owner: string })[] {
    return this.ghRepos.get(login.toLowerCase()) ?? [];
  }

  /** A group (or user namespace) and projects in it or its subgroups. */
  gitlabNamespace(path: string, kind: "group" | "user", projects: GitLabProjectSeed[] = []): void {
    this.glNamespaces.set(path.toLowerCase(), kind);
    this.glProjects.push(...projects.map((p) => ({ ...p, id: this.nextId++ })));
  }

  githubApp(id: number, slug: string, privateKeyPem: string, installations: { id: number; account: string }[]): void {
    Object.assign(this.app, { id, slug, publicKey: createPublicKey(privateKeyPem), installations });
  }

  // ————————————————————————————————————————————————————————————————— dispatch

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const u = new URL(req.url ?? "/", "https://fake");
    const segments = u.pathname
      .split("/")
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* kept as text */
    }
    const r: Received = {
      method: req.method ?? "GET",
      path: `/${segments.join("/")}`,
      segments,
      query: Object.fromEntries(u.searchParams),
      headers: req.headers,
      body,
      at: Date.now(),
    };
    this.received.push(r);

    const i = this.canned.findIndex((c) => c.match(r));
    if (i !== -1) {
      const { answer } = this.canned.splice(i, 1)[0]!;
      if (answer.hang) return;
      res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      res.end(answer.raw ?? (answer.body === undefined ? "" : JSON.stringify(answer.body)));
      return;
    }
    const origin = `https://${req.headers.host}`;
    let reply: Reply;
    if (segments[0] === "api" && segments[1] === "v3") reply = this.github(r, segments.slice(2), origin);
    else if (segments[0] === "api" && segments[1] === "v4") reply = this.gitlab(r, segments.slice(2), origin);
    else reply = { status: 404, body: { message: "Not Found" } };
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
    res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  }

  /** One rate-limit window per flavour and identity; null when exhausted (the caller answers the refusal). */
  private rateHeaders(key: string, prefix: "x-ratelimit-" | "ratelimit-"): { headers: Record<string, string>; exhausted: boolean } {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now >= w.reset * 1000) {
      w = { remaining: this.rate.limit, reset: Math.ceil(now / 1000 + this.rate.windowSeconds) };
      this.windows.set(key, w);
    }
    const exhausted = w.remaining === 0;
    if (!exhausted) w.remaining--;
    return {
      headers: {
        [`${prefix}limit`]: String(this.rate.limit),
        [`${prefix}remaining`]: String(w.remaining),
        [`${prefix}reset`]: String(w.reset),
      },
      exhausted,
    };
  }

  private page<T>(r: Received, items: T[], origin: string, flavour: "github" | "gitlab"): { body: T[]; headers: Record<string, string> } {
    const per = Math.min(this.pageSize, Math.max(1, Number(r.query.per_page ?? (flavour === "github" ? 30 : 20))));
    const page = Math.max(1, Number(r.query.page ?? 1));
    const last = Math.max(1, Math.ceil(items.length / per));
    const link = (p: number, rel: string) => {
      const u = new URL(`${origin}${this.rawPath(r)}`);
      for (const [k, v] of Object.entries(r.query)) u.searchParams.set(k, v);
      u.searchParams.set("page", String(p));
      return `<${u.href}>; rel="${rel}"`;
    };
    const links = [...(page < last ? [link(page + 1, "next")] : []), link(1, "first"), link(last, "last")];
    const headers: Record<string, string> = {};
    if (flavour === "github" || this.gitlabPagination !== "x-next-page") headers.link = links.join(", ");
    if (flavour === "gitlab") {
      Object.assign(headers, {
        "x-page": String(page),
        "x-per-page": String(per),
        "x-total": String(items.length),
        "x-total-pages": String(last),
      });
      if (this.gitlabPagination !== "link") headers["x-next-page"] = page < last ? String(page + 1) : "";
    }
    return { body: items.slice((page - 1) * per, page * per), headers };
  }

  /** The request's path as sent (GitLab's %2F kept), for links. */
  private rawPath(r: Received): string {
    return `/${r.segments.map((s) => encodeURIComponent(s)).join("/")}`;
  }

  // ————————————————————————————————————————————————————————————————— GitHub

  private ghRepoJson(origin: string, r: GitHubRepoSeed & { id: number; owner: string }) {
    const isPrivate = r.private ?? (r.visibility !== undefined && r.visibility !== "public");
    return {
      id: r.id,
      node_id: `R_${r.id}`,
      name: r.name,
      full_name: `${r.owner}/${r.name}`,
      owner: { login: r.owner },
      private: isPrivate,
      visibility: r.visibility ?? (isPrivate ? "private" : "public"),
      html_url: `${origin}/${r.owner}/${r.name}`,
      clone_url: `${origin}/${r.owner}/${r.name}.git`,
      ssh_url: `git@127.0.0.1:${r.owner}/${r.name}.git`,
      default_branch: r.default_branch === undefined ? "main" : r.default_branch,
      archived: r.archived ?? false,
      fork: r.fork ?? false,
      topics: r.topics ?? [],
    };
  }

  private verifyJwt(r: Received): string | null {
    const auth = String(r.headers.authorization ?? "");
    const jwt = /^Bearer (.+)$/.exec(auth)?.[1] ?? "";
    const parts = jwt.split(".");
    if (parts.length !== 3 || !this.app.publicKey) return "A JSON web token could not be decoded";
    const header = b64json(parts[0]!);
    const claims = b64json(parts[1]!);
    if (!header || !claims || header.alg !== "RS256") return "A JSON web token could not be decoded";
    if (!verify("RSA-SHA256", Buffer.from(`${parts[0]}.${parts[1]}`), this.app.publicKey, Buffer.from(parts[2]!, "base64url")))
      return "A JSON web token could not be decoded";
    const now = Date.now() / 1000;
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (String(claims.iss) !== String(this.app.id)) return "'Issuer' claim ('iss') must be an Integer";
    if (!(exp > now))
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    if (!(iat <= now + 60) || exp - iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
    return null;
  }

  private github(r: Received, s: string[], origin: string): Reply {
    const m = r.method;
    const route = s.join("/");
    // App endpoints authenticate with the App's JWT.
    if (s[0] === "app" || (s.length === 3 && (s[0] === "orgs" || s[0] === "users") && s[2] === "installation")) {
      const bad = this.verifyJwt(r);
      if (bad) return { status: 401, body: { message: bad } };
      if (m === "GET" && route === "app") return { status: 200, body: { id: this.app.id, slug: this.app.slug, name: this.app.slug } };
      if (m === "GET" && s[2] === "installation") {
        const inst = this.app.installations.find((x) => x.account.toLowerCase() === s[1]!.toLowerCase());
        const ownerType = this.ghOwners.get(s[1]!.toLowerCase())?.type;
        if (!inst || (s[0] === "orgs" && ownerType !== "Organization")) return { status: 404, body: { message: "Not Found" } };
        return { status: 200, body: { id: inst.id, account: { login: inst.account }, app_id: this.app.id } };
      }
      if (m === "POST" && s[1] === "installations" && s[3] === "access_tokens") {
        const inst = this.app.installations.find((x) => x.id === Number(s[2]));
        if (!inst) return { status: 404, body: { message: "Not Found" } };
        const token = `ghs_${randomBytes(16).toString("hex")}`;
        this.tokens.set(token, `${this.app.slug}[bot]`);
        this.installationOf.set(token, inst.id);
        return {
          status: 201,
          body: {
            token,
            expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z"),
            permissions: { contents: "read" },
            repository_selection: "all",
          },
        };
      }
      return { status: 404, body: { message: "Not Found" } };
    }

    const token = /^(?:Bearer|token) (.+)$/.exec(String(r.headers.authorization ?? ""))?.[1];
    const login = token ? this.tokens.get(token) : undefined;
    if (!login) return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } };
    const rate = this.rateHeaders(`github:${login}`, "x-ratelimit-");
    if (rate.exhausted) return { status: 403, headers: rate.headers, body: { message: `API rate limit exceeded for ${login}.` } };
    const ok = (body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
      status,
      headers: { ...rate.headers, ...headers },
      body,
    });
    const notFound = (): Reply => ({ status: 404, headers: rate.headers, body: { message: "Not Found" } });
    const repos = (owner: string) => (this.ghRepos.get(owner.toLowerCase()) ?? []).map((x) => this.ghRepoJson(origin, x));
    const paged = (items: unknown[]) => {
      const p = this.page(r, items, origin, "github");
      return ok(p.body, 200, p.headers);
    };

    if (m === "GET" && route === "user")
      return login.endsWith("[bot]")
        ? { status: 403, headers: rate.headers, body: { message: "Resource not accessible by integration" } }
        : ok({ login, type: "User" });
    if (m === "GET" && s[0] === "users" && s.length === 2) {
      const o = this.ghOwners.get(s[1]!.toLowerCase());
      return o ? ok({ login: o.login, type: o.type }) : notFound();
    }
    if (m === "GET" && s[0] === "orgs" && s[2] === "repos" && s.length === 3) {
      if (this.ghOwners.get(s[1]!.toLowerCase())?.type !== "Organization") return notFound();
      return paged(repos(s[1]!));
    }
    if (m === "GET" && s[0] === "users" && s[2] === "repos" && s.length === 3) return paged(repos(s[1]!).filter((x) => !x.private));
    if (m === "GET" && route === "user/repos") return paged(repos(login));
    if (m === "GET" && route === "installation/repositories") {
      const inst = this.app.installations.find((x) => x.id === this.installationOf.get(token!));
      if (!inst)
        return {
          status: 403,
          headers: rate.headers,
          body: { message: "This endpoint requires you to be authenticated as an installation" },
        };
      const all = repos(inst.account);
      const p = this.page(r, all, origin, "github");
      return ok({ total_count: all.length, repositories: p.body }, 200, p.headers);
    }
    if (s[0] === "repos" && s.length >= 4) {
      const full = `${s[1]}/${s[2]}`;
      const known = repos(s[1]!).some((x) => x.name.toLowerCase() === s[2]!.toLowerCase());
      if (!known) return notFound();
      if (m === "POST" && s[3] === "statuses" && s.length === 5) {
        const body = r.body as Record<string, unknown>;
        if (!["error", "failure", "pending", "success"].includes(String(body?.state)))
          return { status: 422, headers: rate.headers, body: { message: "Validation Failed" } };
        this.statuses.push({ forge: "github", repo: full, sha: s[4]!, login, body });
        return ok(
          {
            id: this.nextId++,
            state: body.state,
            context: body.context ?? "default",
            description: body.description ?? null,
            target_url: body.target_url ?? null,
          },
          201,
        );
      }
      if (s[3] === "issues" && s[5] === "comments" && s.length === 6) {
        const key = `${full}#${s[4]}`;
        const list = this.comments.get(key) ?? [];
        if (m === "GET") return paged(list);
        if (m === "POST") {
          const body = String((r.body as { body?: unknown })?.body ?? "");
          if (!body) return { status: 422, headers: rate.headers, body: { message: "Validation Failed" } };
          const c = { id: this.nextId++, body, user: { login }, html_url: `${origin}/${full}/pull/${s[4]}#issuecomment-${this.nextId}` };
          this.comments.set(key, [...list, c]);
          return ok(c, 201);
        }
      }
      if (m === "PATCH" && s[3] === "issues" && s[4] === "comments" && s.length === 6) {
        // Like GitHub for a token that may administer the repository: any comment in it can be edited.
        for (const [key, list] of this.comments) {
          const c = key.startsWith(`${full}#`) ? list.find((x) => x.id === Number(s[5])) : undefined;
          if (c) {
            c.body = String((r.body as { body?: unknown })?.body ?? "");
            return ok(c);
          }
        }
        return notFound();
      }
    }
    return notFound();
  }

  /** Add a comment as someone else (e.g. one quoting the marker). */
  githubComment(repo: string, number: number, login: string, body: string): number {
    const key = `${repo}#${number}`;
    const id = this.nextId++;
    this.comments.set(key, [
      ...(this.comments.get(key) ?? []),
      { id, body, user: { login }, html_url: `${this.url}/${repo}/pull/${number}#issuecomment-${id}` },
    ]);
    return id;
  }

  // ————————————————————————————————————————————————————————————————— GitLab

  private glProjectJson(origin: string, p: GitLabProjectSeed & { id: number }) {
    const name = p.path.split("/").pop()!;
    return {
      id: p.id,
      name,
      path: name,
      path_with_namespace: p.path,
      namespace: { full_path: p.path.split("/").slice(0, -1).join("/") },
      http_url_to_repo: `${origin}/${p.path}.git`,
      ssh_url_to_repo: `git@127.0.0.1:${p.path}.git`,
      web_url: `${origin}/${p.path}`,
      default_branch: p.default_branch === undefined ? "main" : p.default_branch,
      archived: p.archived ?? false,
      visibility: p.visibility ?? "private",
      topics: p.topics ?? [],
      tag_list: p.topics ?? [],
      ...(p.fork ? { forked_from_project: { id: 1, path_with_namespace: "upstream/original" } } : {}),
    };
  }

  private glProject(ref: string) {
    return this.glProjects.find((p) => String(p.id) === ref || p.path.toLowerCase() === ref.toLowerCase());
  }

  /** Add a note as someone else, or a system note. */
  gitlabNote(project: string, iid: number, username: string, body: string, system = false): number {
    const key = `${project}!${iid}`;
    const id = this.nextId++;
    this.notes.set(key, [...(this.notes.get(key) ?? []), { id, body, system, author: { username } }]);
    return id;
  }

  private gitlab(r: Received, s: string[], origin: string): Reply {
    const m = r.method;
    const token = String(r.headers["private-token"] ?? /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ""))?.[1] ?? "");
    const login = this.tokens.get(token);
    if (!login) return { status: 401, body: { message: "401 Unauthorized" } };
    const rate = this.rateHeaders(`gitlab:${login}`, "ratelimit-");
    if (rate.exhausted)
      return {
        status: 429,
        headers: {
          ...rate.headers,
          "retry-after": String(Math.max(0, Math.ceil(Number(rate.headers["ratelimit-reset"]) - Date.now() / 1000))),
        },
        body: { message: "Retry later" },
      };
    const ok = (body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
      status,
      headers: { ...rate.headers, ...headers },
      body,
    });
    const notFound = (what = "404 Not Found"): Reply => ({ status: 404, headers: rate.headers, body: { message: what } });
    const paged = (items: unknown[]) => {
      const p = this.page(r, items, origin, "gitlab");
      return ok(p.body, 200, p.headers);
    };

    if (m === "GET" && s.join("/") === "user") return ok({ id: 1, username: login });
    if (m === "GET" && s[0] === "namespaces" && s.length === 2) {
      const kind = this.glNamespaces.get(s[1]!.toLowerCase());
      return kind ? ok({ id: 7, kind, full_path: s[1] }) : notFound("404 Namespace Not Found");
    }
    if (m === "GET" && (s[0] === "groups" || s[0] === "users") && s[2] === "projects" && s.length === 3) {
      const ns = s[1]!.toLowerCase();
      if (this.glNamespaces.get(ns) !== (s[0] === "groups" ? "group" : "user"))
        return notFound(s[0] === "groups" ? "404 Group Not Found" : "404 User Not Found");
      const sub = s[0] === "groups" && r.query.include_subgroups === "true";
      const items = this.glProjects.filter((p) => {
        const parent = p.path.toLowerCase().split("/").slice(0, -1).join("/");
        return parent === ns || (sub && parent.startsWith(`${ns}/`));
      });
      return paged(items.sort((a, b) => a.id - b.id).map((p) => this.glProjectJson(origin, p)));
    }
    if (s[0] === "projects" && s.length >= 3) {
      const p = this.glProject(s[1]!);
      if (!p) return notFound("404 Project Not Found");
      if (m === "POST" && s[2] === "statuses" && s.length === 4) {
        const body = r.body as Record<string, unknown>;
        if (!["pending", "running", "success", "failed", "canceled"].includes(String(body?.state)))
          return { status: 400, headers: rate.headers, body: { error: "state does not have a valid value" } };
        const name = String(body.name ?? "default");
        const prior = this.statuses
          .filter((x) => x.forge === "gitlab" && x.repo === p.path && x.sha === s[3] && String(x.body.name ?? "default") === name)
          .pop();
        if (prior && prior.body.state === body.state)
          return {
            status: 400,
            headers: rate.headers,
            body: { message: `Cannot transition status via :${body.state === "pending" ? "enqueue" : "run"} from :${body.state}` },
          };
        this.statuses.push({ forge: "gitlab", repo: p.path, sha: s[3]!, login, body });
        return ok({ id: this.nextId++, sha: s[3], status: body.state, name }, 201);
      }
      if (s[2] === "merge_requests" && s[4] === "notes") {
        const key = `${p.path}!${s[3]}`;
        const list = this.notes.get(key) ?? [];
        if (m === "GET" && s.length === 5) return paged(list);
        if (m === "POST" && s.length === 5) {
          const n = {
            id: this.nextId++,
            body: String((r.body as { body?: unknown })?.body ?? ""),
            system: false,
            author: { username: login },
          };
          this.notes.set(key, [...list, n]);
          return ok(n, 201);
        }
        if (m === "PUT" && s.length === 6) {
          const n = list.find((x) => x.id === Number(s[5]));
          if (!n) return notFound("404 Note Not Found");
          // GitLab lets only a note's author edit its body.
          if (n.author.username !== login) return { status: 403, headers: rate.headers, body: { message: "403 Forbidden" } };
          n.body = String((r.body as { body?: unknown })?.body ?? "");
          return ok(n);
        }
      }
    }
    return notFound();
  }
}
