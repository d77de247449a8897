/**
 * The data-flow pass runs one query per group of files that need the same branches (scan.ts taintPass): a module
 * whose own checks use other sources and sinks still gets the branches of the files that import it, so their
 * flow through its helpers is followed, and the findings do not depend on how the files were grouped.
 */
import { describe, expect, it } from "vitest";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratchTree } from "./support/scratch-tree.ts";
import { routeShellPolicy } from "./support/shell-flow-policy.ts";

// The route check, and a second data-flow check whose sources and sinks are others.
const POLICY = routeShellPolicy(`
  - id: test.job.path
    severity: high
    message: "Job input ({{SOURCE}}) reaches {{CALL}}{{VIA}}."
    files: ["**/*.py"]
    prefilter: [job_]
    match:
      language: python
      taint:
        sources: [{ kind: identifier, inside: { kind: parameters, inside: { kind: function_definition, has: { field: name, regex: "^job_" } } } }]
        sinks: [{ kind: call, has: { field: function, regex: "^open$" } }]
`);

describe("data-flow queries grouped by the branches their files need", () => {
  // The helper module selects only the path check itself; its shell helper matters to the importer's check.
  const s = scratchTree({
    "launch.py":
      "import subprocess\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n\ndef job_read(name):\n    return open(name).read()\n",
    "api.py": "from launch import run\ndef route_a(body):\n    run(body)\n",
  });

  it("follows the importer's flow into a module whose own checks are others", async () => {
    for (const maxFlowQueries of [1, 8]) {
      const r = await scanDirectory(s.root, { checks: POLICY.checks, maxFlowQueries });
      expect(r.errors).toEqual([]);
      expect(r.findings.map((f) => `${f.path}:${f.line} ${f.ruleId} ${f.message}`)).toEqual([
        "api.py:3 test.request.shell Request data (body) reaches subprocess.run through run().",
        "launch.py:6 test.job.path Job input (name) reaches open.",
      ]);
      // each file still parsed once for every data-flow check together
      expect(r.stats.parses).toMatchObject({ files: 2, maxPerFile: 1, dataFlowFiles: 2 });
    }
  });
});
