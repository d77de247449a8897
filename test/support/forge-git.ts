/**
 * A forge that serves both its REST API and git, on one HTTPS origin, as GitHub Enterprise Server and GitLab
 * do: `git http-backend` behind a server that demands a token (test/support/git-servers.ts), which passes
 * everything under /api/ to the fake forge (test/support/fake-forge.ts) with the Host it was asked for, so the
 * clone URLs the fake forge lists point at this same origin. Used by the connection, webhook and change-scan
 * tests and by the e2e.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { request } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { FakeForge } from "./fake-forge.ts";
import { startSmartHttpServer, type SmartHttpServer } from "./git-servers.ts";
import { TestRepo } from "./git.ts";

export interface ForgeWithGit {
  api: FakeForge;
  git: SmartHttpServer;
  /** https://127.0.0.1:<port>: the forge's URL for a connection, and its clone URLs' origin. */
  origin: string;
  close(): Promise<void>;
}

function pass(api: FakeForge, req: IncomingMessage, res: ServerResponse): void {
  const target = new URL(api.url);
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      ca: api.ca,
      servername: undefined,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}

/**
 * `root`: bare repositories at <owner>/<name>.git; `tokens`: token → repository paths it may clone (or "*"),
 * as git-servers.ts takes them. A token the API should accept is added with `api.tokens.set(token, login)`.
 */
export async function startForgeWithGit(opts: {
  root: string;
  tls: { key: string; cert: string };
  tokens: Record<string, string[] | "*">;
}): Promise<ForgeWithGit> {
  const api = await FakeForge.start();
  const git = await startSmartHttpServer({
    ...opts,
    answer: (req, res) => {
      if (!(req.url ?? "").startsWith("/api/")) return false;
      pass(api, req, res);
      return true;
    },
  });
  return {
    api,
    git,
    origin: git.origin,
    close: async () => {
      await git.close();
      await api.close();
    },
  };
}

/**
 * A bare repository at `<root>/<path>.git`, cloned from a working copy at `<work>/<path>` with `content`
 * committed; returns the working copy, to commit more to and push.
 */
export function bareRepo(work: string, root: string, path: string, content: Record<string, string>): TestRepo {
  const src = new TestRepo(join(work, path));
  for (const [f, text] of Object.entries(content)) src.write(f, text);
  src.commit("init");
  mkdirSync(join(root, path, ".."), { recursive: true });
  execFileSync("git", ["clone", "-q", "--bare", src.dir, join(root, `${path}.git`)]);
  return src;
}

/**
 * git trusts the test certificate through `gitHome`'s ~/.gitconfig, and 127.0.0.1 is let through as an internal
 * forge would be; returns what puts both back.
 */
export function trustLocalForge(gitHome: string): () => void {
  const saved = { HOME: process.env.HOME, NETS: process.env.POSTURE_GIT_ALLOWED_NETWORKS };
  process.env.HOME = gitHome;
  process.env.POSTURE_GIT_ALLOWED_NETWORKS = "127.0.0.1/32";
  return () => {
    process.env.HOME = saved.HOME;
    if (saved.NETS === undefined) delete process.env.POSTURE_GIT_ALLOWED_NETWORKS;
    else process.env.POSTURE_GIT_ALLOWED_NETWORKS = saved.NETS;
  };
}
