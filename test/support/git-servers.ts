/**
 * Real git servers on 127.0.0.1 for tests of private repositories: git's smart HTTP protocol served by
 * `git http-backend` behind a small HTTPS server that demands a token, and OpenSSH's sshd with a temporary
 * configuration, host key and authorized_keys. Both record what they were sent, and both can hold a request
 * while a test looks at the machine (processes' argv, the worker's key files).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createConnection, createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/** A self-signed EC certificate, valid two days, for `subjectAltName` (`IP:127.0.0.1,DNS:localhost`), made by openssl. */
export function selfSignedCertificate(commonName: string, subjectAltName: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "posture-tls-"));
  try {
    const [keyFile, certFile] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"],
        ...["-subj", `/CN=${commonName}`, "-addext", `subjectAltName=${subjectAltName}`, "-keyout", keyFile, "-out", certFile],
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate for 127.0.0.1, and a HOME whose ~/.gitconfig makes git trust it. */
export function testTls(dir: string): { key: string; cert: string; certFile: string; gitHome: string } {
  mkdirSync(dir, { recursive: true });
  const { key, cert } = selfSignedCertificate("posture-test", "IP:127.0.0.1");
  // Both as files too: the e2e stack's fake forge reads them from here (e2e/support/forge.ts).
  writeFileSync(join(dir, "tls-key.pem"), key);
  const certFile = join(dir, "tls-cert.pem");
  writeFileSync(certFile, cert);
  const gitHome = join(dir, "git-home");
  mkdirSync(gitHome, { recursive: true });
  writeFileSync(join(gitHome, ".gitconfig"), `[http]\n\tsslCAInfo = ${certFile}\n`);
  return { key, cert, certFile, gitHome };
}

export interface HttpRequestSeen {
  method: string;
  url: string;
  authorization: string | undefined;
  status: number;
}

export interface SmartHttpServer {
  port: number;
  origin: string;
  requests: HttpRequestSeen[];
  /**
   * Holds the next request that carries a valid token until `look` has run (look at the machine meanwhile);
   * resolves with what `look` returned once the request went on.
   */
  holdNextAuthorized<T>(look: () => T | Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * `git http-backend` over HTTPS for the bare repositories under `root`. A request must carry HTTP Basic auth
 * whose password is one of `tokens` (any user name, as GitHub and GitLab accept): otherwise 401 with a
 * challenge, as a forge answers for a private repository. `tokens[t]` lists the repository paths (under root,
 * without ".git") the token may read; another repository answers 403, a missing one 404 (http-backend's).
 */
export async function startSmartHttpServer(opts: {
  root: string;
  tls: { key: string; cert: string };
  /** token → the repositories it reads; or a function, for tokens minted elsewhere (a fake forge's). */
  tokens: Record<string, string[] | "*"> | ((token: string) => string[] | "*" | undefined);
  answer?: (req: IncomingMessage, res: ServerResponse) => boolean;
}): Promise<SmartHttpServer> {
  const sockets = new Set<Socket>();
  let hold: (() => Promise<void>) | undefined;
  const s: SmartHttpServer = {
    port: 0,
    origin: "",
    requests: [],
    close: async () => undefined,
    holdNextAuthorized: (look) =>
      new Promise((resolve, reject) => {
        hold = async () => {
          hold = undefined;
          try {
            resolve(await look());
          } catch (e) {
            reject(e);
          }
        };
      }),
  };
  const server: Server = createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, async (req, res) => {
    const seen: HttpRequestSeen = { method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, status: 0 };
    s.requests.push(seen);
    const finish = (status: number, headers: Record<string, string> = {}, body = "") => {
      seen.status = status;
      res.writeHead(status, headers).end(body);
    };
    if (opts.answer?.(req, res)) {
      seen.status = res.statusCode;
      return;
    }
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
    const password = auth ? Buffer.from(auth[1]!, "base64").toString("utf8").split(":").slice(1).join(":") : undefined;
    const allowed = password === undefined ? undefined : typeof opts.tokens === "function" ? opts.tokens(password) : opts.tokens[password];
    if (!allowed) return finish(401, { "www-authenticate": 'Basic realm="posture-test"' }, "unauthorized\n");
    const path = new URL(req.url ?? "/", "https://x").pathname;
    const repo = path
      .replace(/^\//, "")
      .replace(/\.git\/(info\/refs|git-upload-pack|HEAD|objects\/.*)$/, "")
      .replace(/\.git$/, "");
    if (allowed !== "*" && !allowed.includes(repo)) return finish(403, {}, "forbidden\n");
    if (hold) await hold();
    cgi(req, res, seen, opts.root);
  });
  server.on("connection", (c: Socket) => {
    sockets.add(c);
    c.on("close", () => sockets.delete(c));
    c.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  s.port = (server.address() as AddressInfo).port;
  s.origin = `https://127.0.0.1:${s.port}`;
  s.close = async () => {
    for (const c of sockets) c.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return s;
}

/** One CGI exchange with git http-backend (smart protocol only: dumb HTTP is off). */
function cgi(req: IncomingMessage, res: ServerResponse, seen: HttpRequestSeen, root: string): void {
  const u = new URL(req.url ?? "/", "https://x");
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.slice(1),
      REQUEST_METHOD: req.method ?? "GET",
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"] ?? ""),
      GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
      REMOTE_USER: "posture-test",
      REMOTE_ADDR: "127.0.0.1",
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["pipe", "pipe", "ignore"],
  });
  req.pipe(child.stdin);
  let buf = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on("data", (d: Buffer) => {
    if (headersDone) return void res.write(d);
    buf = Buffer.concat([buf, d]);
    const end = buf.indexOf("\r\n\r\n");
    if (end === -1) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of buf.subarray(0, end).toString("latin1").split("\r\n")) {
      const i = line.indexOf(":");
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (k.toLowerCase() === "status") status = Number(v.split(" ")[0]);
      else headers[k] = v;
    }
    seen.status = status;
    res.writeHead(status, headers);
    res.write(buf.subarray(end + 4));
  });
  child.on("close", () => {
    if (!headersDone) {
      seen.status = 500;
      res.writeHead(500);
    }
    res.end();
  });
}

export interface SshServer {
  port: number;
  /** The login the URL must name: this process's user (an unprivileged sshd serves only its own). */
  user: string;
  /** The host's public key as `type base64`, i.e. what ssh-keyscan prints after the host name. */
  hostKey: string;
  /**
   * Holds the next session sshd accepts, before git-upload-pack starts, until `look` has run (look at the
   * machine meanwhile); resolves with what `look` returned. Rejects if no session starts within 20 s.
   */
  holdNextSession<T>(look: () => T | Promise<T>): Promise<T>;
  /** sshd's log (-e): accepted and refused keys. */
  log(): string;
  close(): Promise<void>;
}

/** An ed25519 key pair made with ssh-keygen, without a passphrase, as a deploy key is. */
export function sshKeyPair(dir: string, name: string): { privateKey: string; publicKey: string; file: string } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `posture-test-${name}`, "-f", file], { stdio: "ignore" });
  return { privateKey: readFileSync(file, "utf8"), publicKey: readFileSync(`${file}.pub`, "utf8").trim(), file };
}

async function freePort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function bannerFrom(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: "127.0.0.1", port }, () => undefined);
    c.setTimeout(1000);
    c.once("data", (d) => {
      c.destroy();
      resolve(d.toString().startsWith("SSH-2.0-"));
    });
    c.once("error", () => resolve(false));
    c.once("timeout", () => {
      c.destroy();
      resolve(false);
    });
  });
}

export const SSHD = "/usr/sbin/sshd";

/**
 * Debian's sshd on a loopback port with everything in `dir`: host key, config, authorized_keys, pid file.
 * Nothing privileged is asked for (no PAM, a high port, StrictModes off for the scratch folder), so it runs as
 * root or as any user; as root it needs /run/sshd (privilege separation), created here when missing. Logins
 * run `git-upload-pack` only, through a wrapper that lets a test hold the session.
 */
export async function startSshServer(opts: { dir: string; authorizedKeys: string[] }): Promise<SshServer> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: apt-get install -y openssh-server (.ci/run installs it)`);
  const { dir } = opts;
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0 && !existsSync("/run/sshd")) mkdirSync("/run/sshd", { mode: 0o755 });
  const hostKeyFile = join(dir, "ssh_host_ed25519_key");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", hostKeyFile], { stdio: "ignore" });
  const hostKey = readFileSync(`${hostKeyFile}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
  const hold = join(dir, "session-started");
  const go = join(dir, "session-go");
  const wrapper = join(dir, "serve.sh");
  // A key's forced command: only git-upload-pack, and a pause the test can end (up to 20 s) if it asked for one.
  writeFileSync(
    wrapper,
    `#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in git-upload-pack\\ *) ;; *) echo "only git-upload-pack" >&2; exit 1 ;; esac\nif [ -e ${go}.wanted ]; then : > ${hold}; i=0; while [ ! -e ${go} ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; fi\nexec sh -c "$SSH_ORIGINAL_COMMAND"\n`,
  );
  chmodSync(wrapper, 0o755);
  const authorized = join(dir, "authorized_keys");
  writeFileSync(
    authorized,
    opts.authorizedKeys.map((k) => `command="${wrapper}",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty ${k}\n`).join(""),
    { mode: 0o600 },
  );
  const user = userInfo().username;
  const port = await freePort();
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${hostKeyFile}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${authorized}`,
      `AllowUsers ${user}`,
      "PermitRootLogin prohibit-password",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "PermitUserEnvironment no",
      "AllowTcpForwarding no",
      "X11Forwarding no",
      "PrintMotd no",
      "LogLevel VERBOSE",
      "",
    ].join("\n"),
  );
  let log = "";
  const child: ChildProcess = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.on("data", (d: Buffer) => {
    if (log.length < 200_000) log += d.toString();
  });
  const until = Date.now() + 10_000;
  while (!(await bannerFrom(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`sshd did not start: ${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const s: SshServer = {
    port,
    user,
    hostKey,
    log: () => log,
    holdNextSession: async (look) => {
      rmSync(hold, { force: true });
      rmSync(go, { force: true });
      writeFileSync(`${go}.wanted`, "");
      try {
        const deadline = Date.now() + 20_000;
        while (!existsSync(hold)) {
          if (Date.now() > deadline) throw new Error("no ssh session started");
          await new Promise((r) => setTimeout(r, 20));
        }
        return await look();
      } finally {
        rmSync(`${go}.wanted`, { force: true });
        writeFileSync(go, "");
      }
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await gone;
    },
  };
  return s;
}
