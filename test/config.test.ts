/**
 * lib/config.ts: every setting's default, a clear error naming the variable for each kind of bad value, and
 * the worker process and the CLI stopping on one.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../lib/cli/main.ts";
import { config, ConfigError, parseConfig, RULES_DIR } from "../lib/config.ts";

describe("configuration", () => {
  it("has the defaults the README lists", () => {
    expect(parseConfig({})).toEqual({
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/posture",
      redisUrl: "redis://127.0.0.1:6379",
      queuePrefix: "posture",
      workerConcurrency: 2,
      cloneTimeoutMs: 120_000,
      scanTimeoutMs: 600_000,
      maxRepoBytes: 500 * 1024 * 1024,
      rulesDir: RULES_DIR,
      allowLocalRepos: false,
      localReposRoot: undefined,
      dataDir: undefined,
      gitAllowedNetworks: [],
      trustedProxy: false,
      secureCookies: false,
      publicUrl: null,
      noColor: false,
    });
    // An empty value is "not set", as `VAR= command` means in a shell.
    expect(parseConfig({ POSTURE_WORKER_CONCURRENCY: "", REDIS_URL: "", POSTURE_TRUSTED_PROXY: "" })).toEqual(parseConfig({}));
  });

  it("reads what is set", () => {
    const c = parseConfig({
      POSTURE_WORKER_CONCURRENCY: "8",
      POSTURE_CLONE_TIMEOUT_MS: " 30000 ",
      POSTURE_ALLOW_LOCAL_REPOS: "1",
      POSTURE_TRUSTED_PROXY: "0",
      POSTURE_GIT_ALLOWED_NETWORKS: "10.20.0.0/16, fd00:1::/48",
      POSTURE_RULES_DIR: "/srv/rules",
      NO_COLOR: "1",
      POSTURE_PUBLIC_URL: "https://posture.example.com/",
    });
    expect(c).toMatchObject({
      publicUrl: "https://posture.example.com",
      workerConcurrency: 8,
      cloneTimeoutMs: 30_000,
      allowLocalRepos: true,
      trustedProxy: false,
      rulesDir: "/srv/rules",
      noColor: true,
    });
    expect(c.gitAllowedNetworks).toEqual([
      { address: "10.20.0.0", prefix: 16, family: "ipv4" },
      { address: "fd00:1::", prefix: 48, family: "ipv6" },
    ]);
  });

  it("refuses a bad value with a message that names the variable", () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [
        { POSTURE_WORKER_CONCURRENCY: "two" },
        "POSTURE_WORKER_CONCURRENCY",
        /^POSTURE_WORKER_CONCURRENCY: must be a whole number, e\.g\. 2$/,
      ],
      [{ POSTURE_WORKER_CONCURRENCY: "0" }, "POSTURE_WORKER_CONCURRENCY", /at least 1/],
      [{ POSTURE_CLONE_TIMEOUT_MS: "2m" }, "POSTURE_CLONE_TIMEOUT_MS", /whole number \(milliseconds\), e\.g\. 120000/],
      [{ POSTURE_SCAN_TIMEOUT_MS: "1.5" }, "POSTURE_SCAN_TIMEOUT_MS", /whole number/],
      [{ POSTURE_MAX_REPO_BYTES: "500MB" }, "POSTURE_MAX_REPO_BYTES", /whole number \(bytes\)/],
      // A flag that looks like "on" is refused rather than silently read as off.
      [{ POSTURE_TRUSTED_PROXY: "true" }, "POSTURE_TRUSTED_PROXY", /must be 1 \(on\) or 0 \(off\)/],
      [{ POSTURE_SECURE_COOKIES: "yes" }, "POSTURE_SECURE_COOKIES", /must be 1 \(on\) or 0 \(off\)/],
      [{ POSTURE_ALLOW_LOCAL_REPOS: "on" }, "POSTURE_ALLOW_LOCAL_REPOS", /must be 1 \(on\) or 0 \(off\)/],
      [
        { POSTURE_GIT_ALLOWED_NETWORKS: "10.0.0.0/8,banana" },
        "POSTURE_GIT_ALLOWED_NETWORKS",
        /"banana" is not a network such as 10\.20\.0\.0\/16/,
      ],
      [{ POSTURE_GIT_ALLOWED_NETWORKS: "10.0.0.0/33" }, "POSTURE_GIT_ALLOWED_NETWORKS", /not a network/],
      [{ POSTURE_QUEUE_PREFIX: "my posture" }, "POSTURE_QUEUE_PREFIX", /without spaces/],
      [{ DATABASE_URL: "mysql://root:hunter2@db/posture" }, "DATABASE_URL", /^DATABASE_URL: must be a URL such as postgresql:/],
      [{ REDIS_URL: "127.0.0.1:6379" }, "REDIS_URL", /must be a URL such as redis:/],
      [
        { POSTURE_PUBLIC_URL: "posture.example.com" },
        "POSTURE_PUBLIC_URL",
        /must be the dashboard's address, e\.g\. https:\/\/posture\.example\.com/,
      ],
      [{ POSTURE_PUBLIC_URL: "https://admin:pw@posture.example.com" }, "POSTURE_PUBLIC_URL", /must be the dashboard's address/],
    ];
    for (const [env, variable, message] of cases) {
      let error: unknown;
      try {
        parseConfig(env);
      } catch (e) {
        error = e;
      }
      expect([env, error instanceof ConfigError && error.variable]).toEqual([env, variable]);
      expect((error as Error).message).toMatch(message);
    }
    // A URL may carry a password: its value is never repeated.
    expect(() => parseConfig({ DATABASE_URL: "mysql://root:hunter2@db/posture" })).toThrow(/^(?!.*hunter2)/);
  });

  it("names every bad variable at once", () => {
    expect(() => parseConfig({ POSTURE_WORKER_CONCURRENCY: "x", POSTURE_TRUSTED_PROXY: "yes" })).toThrow(
      "POSTURE_WORKER_CONCURRENCY: must be a whole number, e.g. 2; POSTURE_TRUSTED_PROXY: must be 1 (on) or 0 (off)",
    );
  });

  describe("from the process environment", () => {
    const saved = process.env.POSTURE_QUEUE_PREFIX;
    afterEach(() => {
      if (saved === undefined) delete process.env.POSTURE_QUEUE_PREFIX;
      else process.env.POSTURE_QUEUE_PREFIX = saved;
    });

    it("is parsed once and kept, and parsed again only when a variable changes", () => {
      process.env.POSTURE_QUEUE_PREFIX = "first";
      const a = config();
      expect(config()).toBe(a);
      expect(a.queuePrefix).toBe("first");
      process.env.POSTURE_QUEUE_PREFIX = "second";
      expect(config().queuePrefix).toBe("second");
      expect(config()).not.toBe(a);
    });
  });

  it("stops the CLI with the variable's name and exit code 2", async () => {
    process.env.POSTURE_WORKER_CONCURRENCY = "lots";
    try {
      let stderr = "";
      const code = await run(["advisories", "import", "/nonexistent.json"], {
        stdout: () => undefined,
        stderr: (s) => (stderr += s),
        isTTY: false,
      });
      expect([code, stderr]).toEqual([2, "posture: POSTURE_WORKER_CONCURRENCY: must be a whole number, e.g. 2\n"]);
    } finally {
      delete process.env.POSTURE_WORKER_CONCURRENCY;
    }
  });

  it("stops the worker process at start with the variable's name, before it connects to anything", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "worker", "index.ts")], {
      env: { ...process.env, POSTURE_SCAN_TIMEOUT_MS: "10m", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/nowhere" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect([r.status, r.stderr.trim()]).toEqual([
      1,
      "posture worker: POSTURE_SCAN_TIMEOUT_MS: must be a whole number (milliseconds), e.g. 600000",
    ]);
  });
});
