/**
 * `npm run bench:reliability [-- <scenario id>...]`: the fault scenarios and the regex growth measurement;
 * each writes its section of docs/RELIABILITY.md. Starts a throwaway PostgreSQL (port 55432) and Redis
 * (port 56379) from temporary directories and restarts only those; the machine's own services are untouched.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { machine } from "./report.ts";
import { killWorkerMidScan, manyFiles, restartPostgres, restartRedis, scanTimeout, type Outcome } from "./reliability/faults.ts";
import { prefilterGrowth, regexGrowth } from "./reliability/regex.ts";
import { startPostgres, startRedis, type Service } from "./reliability/support.ts";

const DOC = new URL("../docs/RELIABILITY.md", import.meta.url);
const PG_PORT = Number(process.env.RELIABILITY_PG_PORT || 55432);
const REDIS_PORT = Number(process.env.RELIABILITY_REDIS_PORT || 56379);

const HEADER = `# Reliability

Faults, hostile repositories and what Posture does about them. Each section below is written by the command
named in it; rerun that command to refresh it.

## Hostile repositories

\`npx vitest run test/reliability/hostile-repos.test.ts\` builds each hostile repository with git and runs it
through the real pipeline (clone, scan, save; local repositories allowed) or the engine:

| repository | expected | asserted |
|---|---|---|
| symlinks to /etc/passwd, to a file and a directory outside the checkout, \`../..\`, \`.\`, a two-link loop | links are never followed; nothing from outside is read or stored | scan succeeds; the only finding is the real file's; \`OUTSIDE\`, \`root:x:0\`, \`/etc/passwd\` appear nowhere in findings, contexts or the scan row; \`stats.skipped.symlink\` = 7 |
| git hooks: in the source repository's \`.git/hooks\`, in a committed \`.githooks/\` named by its \`core.hooksPath\`, and in the worker's own \`~/.gitconfig\` (\`core.hooksPath\` and \`init.templateDir\`) | no hook runs | the same HOME makes a plain \`git clone\` run the hook (control); the scan leaves no marker |
| submodules pointing at a local repository, at \`ext::sh -c touch …\`, at a local service port | never fetched | scan succeeds; no finding from the submodule; the \`ext::\` marker is never created |
| more files than the cap | capped (100,000 files read by default), the rest reported | engine with a cap of 1,000: \`stats.files\` = 1,000, \`stats.skipped["file-limit"]\` = 25, no finding from the files over the cap; 100,025 files through git and a worker: scenario \`many-files\` below |
| one 2 GB file (sparse) | skipped unread | engine: \`stats.skipped["too-large"]\` = 1, RSS grows < 256 MB; through git a repository this big is refused whole by the 500 MB repository cap (test/pipeline/lifecycle.test.ts) |
| an 800-level deep directory; a Python expression nested 20,000 levels | scanned | findings at the bottom of the tree and after the nesting, at the right lines |
| file names with HTML, quotes, \`&\`, newline, tab, a leading \`-\`, spaces and non-ASCII | stored verbatim, as data | finding paths equal the names byte for byte; contexts are cut |
| invalid UTF-8 in a file; NUL bytes after the binary sniff; a file name that is not UTF-8 | scanned; NUL cannot break the save; the unnamable file is an error, not a crash | findings in both files; the NUL reaches the stored snippet as U+FFFD; \`errors\` names the file |
| a YAML "billion laughs" bentofile.yaml (12 levels of 9 aliases) | bounded | the real rulebook scans it (tree-sitter never expands aliases): no error, RSS grows < 256 MB |
| regex checks | no super-linear time | no rulebook regex nests unbounded quantifiers; a line over \`MAX_REGEX_LINE\` is never matched; growth is measured below |
| repository URLs at this machine: \`https://127.0.0.1:6379/…\`, \`localhost\`, \`127.1\`, \`2130706433\`, \`[::ffff:127.0.0.1]\`, \`LOCALHOST.\`, \`file://\`, paths; a host name that resolves to 127.0.0.1 | refused, whether or not local repositories are allowed (those allow paths inside one folder only) | registration refuses them all (the host name by resolving it); a stored row with the host name is refused when the worker resolves it again (\`failureCode\` \`local_address\`) |
| URLs that git or libcurl read differently from the check (issue 15): \`https://192.0.2.1\\@127.0.0.1:…\`, \`ssh://git@%31%32%37.0.0.1:…\`, \`ssh://git@localhos%74:…\`; 100.64/10, \`[::127.0.0.1]\`, \`[64:ff9b::7f00:1]\`, \`[fec0::1]\`; a 302 to \`http://127.0.0.1:…\`; git's own resolution of a checked name pointing elsewhere; proxies; local paths outside the allowed folder or behind a symlink | nothing on this machine is contacted | \`test/reliability/ssrf.test.ts\`: each first shown to work with plain git against a listener on 127.0.0.x, then refused at registration and by the worker with the listener untouched (details in docs/SECURITY.md) |

### Fixed while writing these

- **NUL bytes broke the save.** A text file with a NUL after the first 8 KiB (the binary sniff) produced a
  snippet PostgreSQL text and jsonb cannot store; the save failed on every attempt and the scan ended
  \`internal_error\`. lib/scan/persist.ts now stores NUL as U+FFFD.
- **Local addresses got through registration** when written as \`127.1\`, \`2130706433\` or \`0\` in ssh:// and
  scp-like URLs (the WHATWG parser normalises them only for https), as \`[::ffff:127.0.0.1]\`, or with a
  trailing dot (\`localhost.\`). lib/repos/url.ts normalises them; the host is also resolved at registration and
  again right before \`git ls-remote\` and \`git clone\`, and local and private addresses are refused
  (\`failureCode\` \`local_address\`, permanent), which covers names such as \`localtest.me\`. Since issue 15 git
  is pinned to the addresses checked, so a resolver answering differently a moment later (DNS rebinding)
  changes nothing.
- **A PostgreSQL restart could kill the worker.** The connection holding the per-repository advisory lock had
  no \`error\` listener; pg emits \`error\` on an idle client whose server goes away, which is fatal
  unhandled. lib/scan/pipeline.ts now listens.
- **Quadratic regex.** \`training-monitor.credential.dockerfile-literal\` (see the regex section).
- **A scan with many findings starved its own lock renewal.** Prisma's createMany builds its query on the
  event loop, about a millisecond a row: saving 18,000 findings held the worker's event loop for ~40 s, so with
  a short lock (issue 15) the job looked stalled and another worker took it over. lib/scan/persist.ts inserts
  new findings and events with \`INSERT … SELECT FROM unnest(…)\` instead (that scan 72 s → 13 s, longest
  event-loop stall 1.5 s).

### Known gaps

- A worker killed with \`kill -9\` leaves its checkout directory behind until a worker starts again on that
  machine: checkouts are named by worker pid, and a starting worker removes those of dead processes.
- Time limits: git's clone (\`POSTURE_CLONE_TIMEOUT_MS\`) and the engine's pass (\`POSTURE_SCAN_TIMEOUT_MS\`, default
  10 min: the scan fails with code \`timeout\` and its checkout is removed; \`test/pipeline/lifecycle.test.ts\`). The
  engine cannot be interrupted mid-file, so an abandoned pass runs to its end in the background. Saving has no
  limit of its own beyond PostgreSQL's.

## Faults

\`npm run bench:reliability\` (or \`npm run bench:reliability -- <id>\` for one) runs each scenario against real
worker processes (\`node --import tsx worker/index.ts\`) on a throwaway PostgreSQL and Redis.
`;

function section(o: Outcome): string {
  return [
    `### ${o.title}`,
    "",
    `*${o.ok ? "As expected" : "NOT as expected"}* — ${new Date().toISOString().slice(0, 10)}, ${machine()}. Rerun: \`npm run bench:reliability -- ${o.id}\`.`,
    "",
    `- **Done:** ${o.did}`,
    `- **Expected:** ${o.expected}`,
    `- **Happened:**`,
    ...o.happened.map((h) => (h === "" || h.startsWith("|") ? h : `  - ${h}`)),
  ].join("\n");
}

function writeSection(o: Outcome) {
  const begin = `<!-- reliability:${o.id}:begin -->`;
  const end = `<!-- reliability:${o.id}:end -->`;
  const block = `${begin}\n${section(o)}\n${end}`;
  let doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : HEADER;
  // The header (the hostile-repository table) is kept in this file: refresh it with every run.
  const first = doc.indexOf("<!-- reliability:");
  doc = first === -1 ? HEADER : `${HEADER}\n${doc.slice(first)}`;
  const re = new RegExp(`${begin}[\\s\\S]*?${end}`);
  doc = re.test(doc) ? doc.replace(re, block) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, doc);
}

type Scenario = { id: string; needs: boolean; run: (pg: Service, redis: Service) => Promise<Outcome> | Outcome };
const SCENARIOS: Scenario[] = [
  { id: "kill-worker", needs: true, run: killWorkerMidScan },
  { id: "redis-restart", needs: true, run: restartRedis },
  { id: "postgres-restart", needs: true, run: restartPostgres },
  { id: "scan-timeout", needs: true, run: scanTimeout },
  { id: "many-files", needs: true, run: manyFiles },
  { id: "regex-growth", needs: false, run: () => regexGrowth() },
  { id: "prefilter-growth", needs: false, run: () => prefilterGrowth() },
];

const wanted = process.argv.slice(2);
const selected = SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.id));
if (selected.length === 0) {
  console.error(`unknown scenario; choose from ${SCENARIOS.map((s) => s.id).join(", ")}`);
  process.exit(2);
}

let pg: Service | undefined;
let redis: Service | undefined;
let failed = 0;
try {
  if (selected.some((s) => s.needs)) {
    pg = await startPostgres(PG_PORT);
    redis = await startRedis(REDIS_PORT);
  }
  for (const s of selected) {
    const t0 = Date.now();
    console.log(`== ${s.id}`);
    let o: Outcome;
    try {
      o = await s.run(pg!, redis!);
    } catch (e) {
      o = {
        id: s.id,
        title: s.id,
        did: "(the scenario did not complete)",
        expected: "",
        happened: [`error: ${(e as Error).stack ?? e}`],
        ok: false,
      };
    }
    if (!o.ok) failed++;
    writeSection(o);
    console.log(
      `${o.ok ? "ok" : "NOT OK"} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n${o.happened.filter((h) => !h.startsWith("|")).join("\n")}\n`,
    );
  }
} finally {
  await redis?.stop().catch((e) => console.error("stopping redis:", e));
  await pg?.stop().catch((e) => console.error("stopping postgres:", e));
}
process.exit(failed ? 1 : 0);
