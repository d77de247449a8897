/**
 * `posture advisories import`: OSV records into rules/advisories/local/, validated, reported, and read by the next
 * scan; CVSS v3 scores for records that give only a vector. The records are shaped as osv.dev and the GitHub
 * advisory database publish them (real identifiers, trimmed to the fields the import reads).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../lib/cli/main.ts";
import { cvss3BaseScore, severityOfScore } from "../lib/engine/cvss.ts";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { scratch } from "./helpers.ts";

const RULES = join(import.meta.dirname, "..", "rules");

async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false });
  return { code, stdout, stderr };
}

/** A rules directory of its own: the advisory policy and the bundled set, so an import never touches rules/. */
function rulesCopy() {
  const s = scratch("posture-advisory-rules-");
  cpSync(join(RULES, "advisories"), join(s.root, "advisories"), {
    recursive: true,
    filter: (src) => !src.includes(`${join("advisories", "local")}`),
  });
  mkdirSync(join(s.root, "ml-serving"));
  cpSync(join(RULES, "ml-serving", "dependency-advisories.policy.yaml"), join(s.root, "ml-serving", "dependency-advisories.policy.yaml"));
  return s;
}

// PyPA's record of a BentoML flaw the bundled set does not hold, as osv.dev serves it (no rating, a CVSS v3 vector).
const PYSEC_2026_189 = {
  id: "PYSEC-2026-189",
  published: "2026-05-27T18:16:23.200Z",
  aliases: ["CVE-2026-44345", "GHSA-78f9-r8mh-4xm2"],
  details:
    "BentoML is a Python library for building online serving systems optimized for AI apps and model inference. Prior to 1.4.39, src/bentoml/_internal/container/frontend/dockerfile/templates/base_v2.j2 interpolates docker.base_image raw with no escaping. This vulnerability is fixed in 1.4.39.",
  affected: [
    {
      package: { name: "bentoml", ecosystem: "PyPI", purl: "pkg:pypi/bentoml" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.4.39" }] }],
      versions: ["1.4.38"],
    },
  ],
  severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H" }],
};
// GitHub's record of CVE-2024-2912, which the bundled set holds under its CVE.
const GHSA_HVJ5 = {
  id: "GHSA-hvj5-mvw9-93j3",
  aliases: ["CVE-2024-2912"],
  summary: "Insecure deserialization in BentoML",
  affected: [
    { package: { ecosystem: "PyPI", name: "bentoml" }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.2.5" }] }] },
  ],
  database_specific: { severity: "CRITICAL", github_reviewed: true },
};
// A duplicate GitHub withdrew.
const GHSA_93GM = {
  id: "GHSA-93gm-qmq6-w238",
  withdrawn: "2024-02-16T23:37:24Z",
  summary: "Duplicate Advisory: Starlette Content-Type Header ReDoS",
  affected: [
    {
      package: { ecosystem: "PyPI", name: "starlette" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "0.36.2" }] }],
    },
  ],
  database_specific: { severity: "HIGH" },
};
// Synthetic records (TEST-*, GHSA-2222-...): two ranges (a backport) and last_affected, rated by the database.
const TWO_RANGES = {
  id: "GHSA-2222-3333-4444",
  summary: "Example with a backported fix",
  affected: [
    {
      package: { ecosystem: "PyPI", name: "example-serving" },
      ranges: [
        { type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "1.4.2" }, { introduced: "2.0.0" }, { last_affected: "2.1.0" }] },
      ],
    },
    { package: { ecosystem: "npm", name: "example-serving" } },
  ],
  database_specific: { severity: "MODERATE" },
  references: [
    { type: "WEB", url: "http://insecure.example/a" },
    { type: "ADVISORY", url: "https://github.com/advisories/GHSA-2222-3333-4444" },
  ],
};
const NPM_ONLY = { id: "TEST-NPM-0001", affected: [{ package: { ecosystem: "npm", name: "left-pad" } }] };
const UNRATED = {
  id: "TEST-2025-0001",
  details: "Something is wrong.",
  affected: [
    {
      package: { ecosystem: "PyPI", name: "example-unrated" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.0" }] }],
    },
  ],
};

describe("CVSS v3 base scores (the published scores of the records the bundled set was written from)", () => {
  it.each([
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8], // CVE-2025-27520
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10], // CVE-2023-43654
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:L", 9.9], // CVE-2025-54381
    ["CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:L", 4.7], // CVE-2024-35199
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N", 5.3], // CVE-2023-48299
    ["CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8], // CVE-2025-62164
    ["CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:H", 7.1], // CVE-2025-66448
    ["CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8], // CVE-2025-30165
    ["CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:L/A:N", 6.4], // CVE-2025-1979
    ["CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L", 5.6], // CVE-2023-51449
    ["CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9], // CVE-2023-6730
    ["CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6], // CVE-2023-7018
    ["CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:C/C:N/I:N/A:L", 3.4], // CVE-2024-3568
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:N", 9.3], // CVE-2023-1177
    ["CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8], // CVE-2026-35043
  ])("%s is %s", (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it("rates scores as v3.1 does and refuses what is not a v3 vector", () => {
    expect([9, 8.9, 7, 4, 3.9, 0].map(severityOfScore)).toEqual(["critical", "high", "high", "medium", "low", undefined]);
    expect(cvss3BaseScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")).toBeUndefined();
    expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H")).toBeUndefined();
    expect(cvss3BaseScore("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toBeUndefined();
  });
});

describe("posture advisories import", () => {
  it("adds what the bundled set lacks, says what it skipped and why, and the next scan reports it", async () => {
    const rules = rulesCopy();
    const before = loadRulebook(rules.root).version;
    const exp = scratch("posture-osv-");
    exp.write("export.json", JSON.stringify({ vulns: [PYSEC_2026_189, GHSA_HVJ5, GHSA_93GM, TWO_RANGES, NPM_ONLY, UNRATED] }));
    const r = await cli("advisories", "import", exp.path("export.json"), "--rules", rules.root);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("read 6 OSV records\nadded 2: PYSEC-2026-189 (bentoml), GHSA-2222-3333-4444 (example-serving)\n");
    expect(r.stdout).toContain("  GHSA-hvj5-mvw9-93j3: bentoml: already in the bundled set\n");
    expect(r.stdout).toContain("  GHSA-93gm-qmq6-w238: withdrawn\n");
    expect(r.stdout).toContain("  TEST-NPM-0001: not a PyPI package (npm)\n");
    expect(r.stdout).toContain(
      "  TEST-2025-0001: example-unrated: no severity it can read (a database rating or a CVSS v3 vector; give --unrated)\n",
    );
    expect(r.stdout).toContain(`wrote ${join(rules.root, "advisories", "local", "osv-import.yaml")} (2 advisories)`);

    const written = readFileSync(rules.path("advisories/local/osv-import.yaml"), "utf8");
    expect(written).toContain("affected:\n      - '>=1.0,<1.4.2'\n      - '>=2.0.0,<=2.1.0'\n");
    expect(written).toContain("url: https://github.com/advisories/GHSA-2222-3333-4444\n");
    // The vector scores 7.8: high. The product blurb is not the summary.
    expect(written).toMatch(/id: PYSEC-2026-189[\s\S]*severity: high\n\s+summary: Prior to 1\.4\.39, src\/bentoml/);
    expect(loadRulebook(rules.root).version).not.toBe(before);

    const repo = scratch("posture-osv-repo-");
    repo.write("requirements.txt", "bentoml==1.4.38\n");
    const scan = await cli("scan", repo.root, "--rules", rules.root, "--format", "json");
    expect(scan.code).toBe(0);
    expect(
      JSON.parse(scan.stdout).findings.map(
        (f: { message: string; severity: string; line: number }) => `${f.line} ${f.severity} ${f.message.slice(0, 60)}`,
      ),
    ).toEqual(["1 high bentoml 1.4.38 is affected by PYSEC-2026-189 / CVE-2026-4434"]);
  });

  it("is idempotent, updates a changed record, removes a withdrawn one, and reads a directory of records", async () => {
    const rules = rulesCopy();
    const exp = scratch("posture-osv-");
    exp.write("one.json", JSON.stringify(PYSEC_2026_189));
    expect((await cli("advisories", "import", exp.path("one.json"), "--rules", rules.root)).stdout).toContain(
      "added 1: PYSEC-2026-189 (bentoml)",
    );
    expect((await cli("advisories", "import", exp.path("one.json"), "--rules", rules.root)).stdout).toContain("added 0\nunchanged 1\n");
    exp.write(
      "dir/a.json",
      JSON.stringify([
        {
          ...PYSEC_2026_189,
          affected: [
            { ...PYSEC_2026_189.affected[0], ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "1.4.39" }] }] },
          ],
        },
      ]),
    );
    exp.write("dir/b.json", JSON.stringify(TWO_RANGES));
    exp.write("dir/notes.txt", "not read");
    const dir = await cli("advisories", "import", exp.path("dir"), "--rules", rules.root);
    expect(dir.stdout).toContain(
      "read 2 OSV records\nadded 1: GHSA-2222-3333-4444 (example-serving)\nupdated 1: PYSEC-2026-189 (bentoml)\n",
    );
    exp.write("gone.json", JSON.stringify({ ...PYSEC_2026_189, withdrawn: "2026-06-01T00:00:00Z" }));
    const gone = await cli("advisories", "import", exp.path("gone.json"), "--rules", rules.root);
    expect(gone.stdout).toContain("removed 1 (withdrawn): PYSEC-2026-189 (bentoml)");
    expect(readFileSync(rules.path("advisories/local/osv-import.yaml"), "utf8")).not.toContain("PYSEC-2026-189");
    // An advisory under a second id (PyPA's and GitHub's record of one flaw) is kept once.
    exp.write("alias.json", JSON.stringify([TWO_RANGES, { ...TWO_RANGES, id: "TEST-2026-0002", aliases: ["GHSA-2222-3333-4444"] }]));
    expect((await cli("advisories", "import", exp.path("alias.json"), "--rules", rules.root)).stdout).toContain(
      "TEST-2026-0002: example-serving: the same advisory as GHSA-2222-3333-4444, imported already",
    );
  });

  it("imports unrated records at the severity --unrated gives", async () => {
    const rules = rulesCopy();
    const exp = scratch("posture-osv-");
    exp.write("u.json", JSON.stringify([UNRATED]));
    const r = await cli("advisories", "import", exp.path("u.json"), "--rules", rules.root, "--unrated", "medium");
    expect(r.stdout).toContain("added 1: TEST-2025-0001 (example-unrated)");
    expect(readFileSync(rules.path("advisories/local/osv-import.yaml"), "utf8")).toContain("severity: medium");
    expect((await cli("advisories", "import", exp.path("u.json"), "--rules", rules.root, "--unrated", "severe")).stderr).toContain(
      "--unrated: Invalid option",
    );
  });

  it("refuses an export that is not one, writing nothing, with a one-line reason", async () => {
    const rules = rulesCopy();
    const exp = scratch("posture-osv-");
    const cases: [string, string, string][] = [
      ["not-json.json", "{ nope", "not-json.json: not JSON"],
      ["string.json", '"hello"', "not an OSV export: expected a record, an array of records"],
      ["bad-record.json", JSON.stringify([PYSEC_2026_189, { id: 5 }]), "record 2: not a valid OSV record: id:"],
      [
        "bad-events.json",
        JSON.stringify([
          { ...PYSEC_2026_189, affected: [{ package: { ecosystem: "PyPI", name: "x" }, ranges: [{ type: "ECOSYSTEM", events: "0" }] }] },
        ]),
        "PYSEC-2026-189: not a valid OSV record: affected.0.ranges.0.events",
      ],
      [
        "deep.json",
        "[".repeat(200_000) + "]".repeat(200_000),
        "deep.json: record 1: not a valid OSV record: (record): Invalid input: expected object",
      ],
    ];
    for (const [name, text, message] of cases) {
      exp.write(name, text);
      const r = await cli("advisories", "import", exp.path(name), "--rules", rules.root);
      expect([r.code, r.stdout], name).toEqual([2, ""]);
      expect(r.stderr, name).toContain(message);
      expect(r.stderr.trim().split("\n"), name).toHaveLength(1);
    }
    expect(existsSync(rules.path("advisories/local/osv-import.yaml"))).toBe(false);
    const usage = await cli("advisories", "import", "--rules", rules.root);
    expect([usage.code, usage.stderr.split("\n")[0]]).toEqual([2, "posture: advisories import needs a file or directory"]);
    const notRules = scratch("posture-not-rules-");
    writeFileSync(exp.path("ok.json"), JSON.stringify(PYSEC_2026_189));
    const wrong = await cli("advisories", "import", exp.path("ok.json"), "--rules", notRules.root);
    expect([wrong.code, wrong.stderr]).toEqual([2, `posture: ${notRules.root}: no advisories/ directory: not a rules directory\n`]);
  });
});
