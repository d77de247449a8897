/**
 * A forge that serves both its REST API and git, on one HTTPS origin, as GitHub Enterprise Server and GitLab
 * do: `git http-backend` behind a server that demands a token (test/support/git-servers.ts), which passes
 * everything under /api/ to the fake forge (test/support/fake-forge.ts) with the Host it was asked for, so the
 * clone URLs the fake forge lists point at this same origin. Used by the connection, webhook and change-scan
 * tests and by the e2e.
 */
import { request } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeForge } from "./fake-forge.ts";
import { startSmartHttpServer, type SmartHttpServer } from "./git-servers.ts";

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
