/**
 * Issue 15, section 1: the worker must not be steerable at this machine or its networks through a repository
 * URL. Every attack runs real git against real listeners on 127.0.0.x, and each is first shown to work with
 * plain git (the control), so the test fails if the defence does. Local repositories are off unless a test
 * says otherwise; 127.0.0.2 and 127.0.0.1 stand in for a public git host where a test lets one through with
 * POSTURE_GIT_ALLOWED_NETWORKS.
 */
import { execFile } from "node:child_process";
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remoteFor } from "../../lib/git/git.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { scratch } from "../helpers.ts";
import { TestRepo } from "../support/git.ts";
import { selfSignedCertificate } from "../support/git-servers.ts";
import { scanOnce, usePipelineTest } from "../support/pipeline.ts";

const p = usePipelineTest("ssrf");
const { t } = p;
const files = scratch("posture-ssrf-");
const checkouts = scratch("posture-ssrf-work-");

/** A listener that records who connected (and, for HTTP, what was asked). */
interface Recorder {
  port: number;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

async function listen(server: Server, host: string, port = 0): Promise<Recorder> {
  const r: Recorder = { port: 0, connections: 0, requests: [], close: () => new Promise((res) => server.close(() => res())) };
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    r.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    // git hangs up on what it does not like (a garbage TLS answer): a reset is part of the test, not an error
    s.on("error", () => {});
  });
  await new Promise<void>((res, rej) => server.once("error", rej).listen(port, host, () => res()));
  r.port = (server.address() as AddressInfo).port;
  const close = r.close;
  r.close = async () => {
    for (const s of sockets) s.destroy();
    await close();
  };
  return r;
}

/** Accepts and hangs up: enough to see that something connected, whatever the protocol. */
const tcp = (host = "127.0.0.1", port = 0) =>
  listen(
    createTcpServer((s) => s.destroy()),
    host,
    port,
  );

let tlsKey = "";
let tlsCert = "";
function https(host: string, answer: (req: IncomingMessage, res: ServerResponse) => void, port = 0) {
  const requests: string[] = [];
  const server = createHttpsServer({ key: tlsKey, cert: tlsCert }, (req, res) => {
    requests.push(`${req.headers.host} ${req.url}`);
    answer(req, res);
  });
  return listen(server, host, port).then((r) => Object.assign(r, { requests }));
}
function http(host: string, answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: string[] = [];
  const server = createHttpServer((req, res) => {
    requests.push(`${req.headers.host} ${req.url}`);
    answer(req, res);
  });
  return listen(server, host).then((r) => Object.assign(r, { requests }));
}

/** A HOME for git whose ~/.gitconfig trusts the test certificate, plus whatever else a test puts there. */
function gitHome(name: string, extra = ""): string {
  const home = files.path(`home-${name}`);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".gitconfig"), `[http]\n\tsslCAInfo = ${files.path("cert.pem")}\n${extra}`);
  return home;
}

/** The control: what plain git does with the URL (async, so this process's listeners can answer). */
function plainGit(url: string, opts: { home?: string; env?: Record<string, string>; config?: string[] } = {}): Promise<string> {
  return new Promise((res) =>
    execFile(
      "git",
      [...(opts.config ?? []), "ls-remote", "--", url],
      {
        timeout: 20_000,
        env: {
          PATH: process.env.PATH,
          HOME: opts.home ?? gitHome("plain"),
          GIT_TERMINAL_PROMPT: "0",
          GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5",
          ...opts.env,
        } as unknown as NodeJS.ProcessEnv,
      },
      (_e, _out, err) => res(String(err)),
    ),
  );
}

const savedEnv = { ...process.env };
function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}
afterAll(() =>
  setEnv({ HOME: savedEnv.HOME, POSTURE_GIT_ALLOWED_NETWORKS: undefined, POSTURE_LOCAL_REPOS_ROOT: savedEnv.POSTURE_LOCAL_REPOS_ROOT }),
);

beforeAll(() => {
  ({ key: tlsKey, cert: tlsCert } = selfSignedCertificate("posture-test", `IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3,DNS:${hostname()}`));
  writeFileSync(files.path("cert.pem"), tlsCert);
});

let teamId = "";
/** A repository row as it could exist from before these rules: written straight to the table, not registered. */
async function storedRepository(url: string): Promise<string> {
  teamId ||= (await t.db.team.upsert({ where: { name: "red-team" }, create: { name: "red-team" }, update: {} })).id;
  return (await t.db.repository.create({ data: { url, urlKey: `${url}#${Math.random()}`, name: "stored", teamId } })).id;
}

async function scan(repositoryId: string, allowLocalRepos = false) {
  const logs: { msg: string; [k: string]: unknown }[] = [];
  const { outcome, scan: row } = await scanOnce(p, repositoryId, {
    allowLocalRepos,
    workRoot: checkouts.root,
    cloneTimeoutMs: 15_000,
    log: (msg, f) => logs.push({ msg, ...f }),
  });
  const findings = await t.db.finding.count({ where: { repositoryId } });
  return { outcome, row, logs, findings };
}

describe("URLs the address check read one way and git another", () => {
  // The reported bypasses, each at a listener on 127.0.0.1 (local repositories off).
  const reported: [string, (port: number) => string, string][] = [
    ["backslash before @ (libcurl takes the host after it)", (port) => `https://192.0.2.1\\@127.0.0.1:${port}/x`, "invalid_url"],
    ["percent-encoded IPv4 in ssh:// (git decodes it)", (port) => `ssh://git@%31%32%37.0.0.1:${port}/x`, "invalid_url"],
    ["percent-encoded localhost in ssh://", (port) => `ssh://git@localhos%74:${port}/x`, "invalid_url"],
  ];

  it.each(reported)(
    "%s: plain git reaches this machine; registration and the worker refuse it and nothing connects",
    async (_what, build, code) => {
      const target = await tcp();
      try {
        const url = build(target.port);
        await plainGit(url);
        expect(target.connections, "control: plain git connects to 127.0.0.1").toBeGreaterThan(0);
        const before = target.connections;

        await expect(registerRepository(t.db, { url, team: "red-team" }, false)).rejects.toMatchObject({ code: "invalid_url" });
        // Registered before this fix: the worker checks the stored URL again before git runs.
        const s = await scan(await storedRepository(url));
        expect(s.row).toMatchObject({ status: "failed", failureCode: code });
        expect(target.connections, "nothing connected to 127.0.0.1").toBe(before);
      } finally {
        await target.close();
      }
    },
  );

  it.each([
    ["IPv4-mapped IPv6", (port: number) => `https://[::ffff:127.0.0.1]:${port}/x`],
    ["CGNAT", (port: number) => `https://100.64.0.1:${port}/x`],
    ["IPv4-compatible IPv6", (port: number) => `https://[::127.0.0.1]:${port}/x`],
    ["NAT64", (port: number) => `https://[64:ff9b::7f00:1]:${port}/x`],
    ["site-local IPv6", (port: number) => `https://[fec0::1]:${port}/x`],
    ["a decimal IPv4 in an scp-like URL", () => "git@2130706433:org/repo"],
  ])("%s: refused at registration and by the worker (failure code local_address)", async (_what, build) => {
    const target = await tcp();
    try {
      const url = build(target.port);
      await expect(registerRepository(t.db, { url, team: "red-team" }, false)).rejects.toMatchObject({
        code: "invalid_url",
        message: expect.stringMatching(/local or private address/),
      });
      const s = await scan(await storedRepository(url));
      expect(s.row).toMatchObject({ status: "failed", failureCode: "local_address" });
      expect(target.connections).toBe(0);
    } finally {
      await target.close();
    }
  });
});

describe("what the worker's git connects to", () => {
  it("does not follow a redirect from an allowed host to an internal URL", async () => {
    const internal = await http("127.0.0.1", (_req, res) => res.writeHead(404).end());
    const allowedHost = await https("127.0.0.2", (req, res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${internal.port}${req.url}` }).end(),
    );
    setEnv({ HOME: gitHome("redirect"), POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.2/32" });
    try {
      const url = `https://127.0.0.2:${allowedHost.port}/org/repo.git`;
      await plainGit(url);
      expect(internal.requests.length, "control: plain git follows the 302 to 127.0.0.1").toBeGreaterThan(0);
      const before = internal.requests.length;

      const r = await registerRepository(t.db, { url, team: "red-team" }, false);
      const s = await scan(r.id);
      expect(s.row).toMatchObject({ status: "failed", failureCode: "redirect" });
      expect(s.row.failureReason).not.toMatch(/127\.0\.0\.1|info\/refs/);
      expect(allowedHost.requests.length).toBeGreaterThan(0);
      expect(internal.requests.length, "the redirect target was never asked").toBe(before);
    } finally {
      setEnv({ HOME: savedEnv.HOME, POSTURE_GIT_ALLOWED_NETWORKS: undefined });
      await Promise.all([internal.close(), allowedHost.close()]);
    }
  });

  it("connects to the address it checked, whatever git's own resolution says", async () => {
    // The host name resolves to 127.0.0.1 (/etc/hosts), which this test allows; git's own configuration
    // resolves it to 127.0.0.3, which is not allowed: as a DNS answer that changed after the check would.
    const name = hostname();
    const checked = await https("127.0.0.1", (_req, res) => res.writeHead(404).end());
    const other = await https("127.0.0.3", (_req, res) => res.writeHead(404).end(), checked.port);
    const home = gitHome("pin", `\tcurloptResolve = ${name}:${checked.port}:127.0.0.3\n`);
    setEnv({ HOME: home, POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.1/32" });
    try {
      const url = `https://${name}:${checked.port}/org/repo.git`;
      await plainGit(url, { home });
      expect(other.requests.length, "control: plain git goes where its resolution says").toBeGreaterThan(0);
      expect(checked.requests).toEqual([]);
      const before = other.connections;

      const r = await registerRepository(t.db, { url, team: "red-team" }, false);
      const s = await scan(r.id);
      expect(s.row).toMatchObject({
        status: "failed",
        failureCode: "not_found",
        failureReason: "the repository was not found at that URL",
      });
      expect(checked.requests).toEqual([`${name}:${checked.port} /org/repo.git/info/refs?service=git-upload-pack`]);
      expect(other.connections, "the unchecked address is never contacted").toBe(before);

      // The pin alone (without the worker's reset of git's own entries) wins over git's own resolution.
      const remote = await remoteFor(url, false);
      expect(remote.config).toContain(`http.curloptResolve=${name}:${checked.port}:127.0.0.1`);
      await plainGit(url, { home, config: remote.config });
      expect(checked.requests).toHaveLength(2);
      expect(other.connections).toBe(before);

      // Not allowed at all: refused before any connection.
      setEnv({ POSTURE_GIT_ALLOWED_NETWORKS: undefined });
      const refused = await scan(r.id);
      expect(refused.row).toMatchObject({ status: "failed", failureCode: "local_address" });
      expect(refused.row.failureReason).not.toContain("127.0.0.1");
      expect(checked.requests).toHaveLength(2);
    } finally {
      setEnv({ HOME: savedEnv.HOME, POSTURE_GIT_ALLOWED_NETWORKS: undefined });
      await Promise.all([checked.close(), other.close()]);
    }
  });

  it("ssh connects to the address it checked too, with the host key filed under the name", async () => {
    const name = hostname();
    const checked = await tcp();
    setEnv({ POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.1/32" });
    try {
      const remote = await remoteFor(`ssh://git@${name}:${checked.port}/org/repo.git`, false);
      expect(remote).toMatchObject({
        url: `ssh://git@${name}:${checked.port}/org/repo.git`,
        config: expect.arrayContaining(["protocol.ssh.allow=always"]),
      });
      expect(remote.sshCommand).toContain(`-o HostName=127.0.0.1 -o HostKeyAlias=${name} -o CheckHostIP=no`);
      // ssh does not resolve the name itself: one that does not resolve at all still reaches the pinned address.
      await plainGit(`ssh://git@no-such-host.invalid:${checked.port}/org/repo.git`, {
        env: { GIT_SSH_COMMAND: `${remote.sshCommand} -o UserKnownHostsFile=/dev/null` },
      });
      expect(checked.connections).toBe(1);
    } finally {
      setEnv({ POSTURE_GIT_ALLOWED_NETWORKS: undefined });
      await checked.close();
    }
  });

  it("takes no proxy from the environment or the worker's git configuration", async () => {
    const proxy = await tcp();
    const repoHost = await https("127.0.0.1", (_req, res) => res.writeHead(404).end());
    const proxyUrl = `http://127.0.0.1:${proxy.port}`;
    const proxyEnv = { https_proxy: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, ALL_PROXY: proxyUrl, all_proxy: proxyUrl };
    const home = gitHome("proxy", `\tproxy = ${proxyUrl}\n`);
    try {
      const url = `https://127.0.0.1:${repoHost.port}/org/repo.git`;
      await plainGit(url, { env: proxyEnv });
      expect(proxy.connections, "control: plain git uses https_proxy").toBeGreaterThan(0);
      const viaEnv = proxy.connections;
      await plainGit(url, { home });
      expect(proxy.connections, "control: plain git uses http.proxy").toBeGreaterThan(viaEnv);
      const before = proxy.connections;

      setEnv({ ...proxyEnv, HOME: home, POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.1/32" });
      const s = await scan(await storedRepository(url));
      expect(s.row).toMatchObject({ failureCode: "not_found" });
      expect(repoHost.requests.length).toBeGreaterThan(0);
      expect(proxy.connections, "the proxy was never used").toBe(before);
    } finally {
      setEnv({
        https_proxy: undefined,
        HTTPS_PROXY: undefined,
        http_proxy: undefined,
        ALL_PROXY: undefined,
        all_proxy: undefined,
        HOME: savedEnv.HOME,
        POSTURE_GIT_ALLOWED_NETWORKS: undefined,
      });
      await Promise.all([proxy.close(), repoHost.close()]);
    }
  });

  it("says the same thing whether a port is closed or breaks the TLS handshake, and logs git's words only", async () => {
    const closed = await tcp();
    const closedPort = closed.port;
    await closed.close();
    const garbage = await listen(
      createTcpServer((s) => s.end("SSH-2.0-OpenSSH_9.2\r\nnot tls at all\r\n")),
      "127.0.0.1",
    );
    setEnv({ HOME: gitHome("reasons"), POSTURE_GIT_ALLOWED_NETWORKS: "127.0.0.1/32" });
    try {
      const results = [];
      for (const port of [closedPort, garbage.port])
        results.push(await scan(await storedRepository(`https://127.0.0.1:${port}/org/repo.git`)));
      const reasons = new Set(results.map((r) => r.row.failureReason));
      expect([...reasons]).toEqual(["could not fetch from the git server: it could not be reached, or did not answer as a git server"]);
      expect(results.map((r) => r.row.failureCode)).toEqual(["network", "network"]);
      // git's own description stays in the worker's log.
      const details = results.map((r) => String(r.logs.find((l) => l.msg === "scan failed")?.detail ?? ""));
      expect(details[0]).toMatch(/connect|refused/i);
      expect(details[1]).toMatch(/ssl|tls/i);
      expect(details.every((d) => d.includes("127.0.0.1"))).toBe(true);
    } finally {
      setEnv({ HOME: savedEnv.HOME, POSTURE_GIT_ALLOWED_NETWORKS: undefined });
      await garbage.close();
    }
  });
});

describe("local repositories (./bin/start --demo)", () => {
  const root = files.path("local-root");
  const outside = files.path("outside");
  let secret: TestRepo;
  let inside: TestRepo;
  beforeAll(() => {
    secret = new TestRepo(join(outside, "secret"));
    secret.write("keys.py", "eval(input())\n").commit("secret");
    inside = new TestRepo(join(root, "demo"));
    inside.write("app.py", "eval(input())\n").commit("demo");
    process.env.POSTURE_LOCAL_REPOS_ROOT = root;
    return () => {
      process.env.POSTURE_LOCAL_REPOS_ROOT = savedEnv.POSTURE_LOCAL_REPOS_ROOT;
    };
  });

  it("scans a repository inside the allowed folder", async () => {
    const r = await registerRepository(t.db, { url: inside.dir, team: "red-team" }, true);
    const s = await scan(r.id, true);
    expect(s.row.status).toBe("succeeded");
    expect(s.findings).toBe(1);
  });

  it("refuses any other repository on this machine, with a clear message, at registration and in the worker", async () => {
    for (const url of [secret.dir, `file://${secret.dir}`, `${root}/../outside/secret`]) {
      await expect(registerRepository(t.db, { url, team: "red-team" }, true)).rejects.toMatchObject({
        code: "invalid_url",
        message: expect.stringMatching(/must be inside the folder set by POSTURE_LOCAL_REPOS_ROOT/),
      });
      const s = await scan(await storedRepository(url), true);
      expect(s.row).toMatchObject({ status: "failed", failureCode: "invalid_url" });
      expect(s.findings).toBe(0);
    }
  });

  it("resolves symlinks, at registration and again before each clone", async () => {
    symlinkSync(secret.dir, join(root, "link"));
    await expect(registerRepository(t.db, { url: join(root, "link"), team: "red-team" }, true)).rejects.toMatchObject({
      code: "invalid_url",
    });

    // Registered while it was a real repository inside the folder, then swapped for a link to one outside.
    const swap = new TestRepo(join(root, "swap"));
    swap.write("ok.py", "x = 1\n").commit("fine");
    const r = await registerRepository(t.db, { url: swap.dir, team: "red-team" }, true);
    renameSync(swap.dir, files.path("swapped-away"));
    symlinkSync(secret.dir, swap.dir);
    const s = await scan(r.id, true);
    expect(s.row).toMatchObject({ status: "failed", failureCode: "invalid_url" });
    expect(s.findings, "nothing was read from the repository outside").toBe(0);
  });
});
