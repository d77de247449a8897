/**
 * The flow layer on its own: a small taint spec (handler parameters and input() as sources; open, os.system and
 * eval as sinks; basename/int/shlex.quote as sanitizers; allow-list checks as guards) over code shaped like the
 * cases reviewers found missed in real repositories.
 */
import { describe, expect, it } from "vitest";
import { parse } from "@ast-grep/napi";
import { ensureLanguages } from "../lib/engine/compile.ts";
import {
  analyseTaint,
  analyseTaintChecks,
  compileTaint,
  compileTaintSet,
  tagNodes,
  type TaintCheckInput,
  type TaintSpec,
} from "../lib/engine/taint.ts";

const spec: TaintSpec = {
  sources: [{ kind: "identifier", regex: "^(data|request)$", inside: { kind: "parameters" } }, { pattern: "input()" }],
  sinks: [{ kind: "call", has: { field: "function", regex: "^(open|eval)$" } }, { pattern: "os.system($SINK)" }],
  sanitizers: [{ pattern: "os.path.basename($X)" }, { pattern: "int($X)" }, { pattern: "shlex.quote($X)" }],
  guards: [
    {
      kind: "if_statement",
      all: [{ has: { field: "condition", pattern: "$X not in $S" } }, { has: { field: "consequence", has: { kind: "raise_statement" } } }],
    },
    { kind: "assert_statement", has: { pattern: "$X in $S" } },
  ],
};

/** Runs the spec over a Python file given as its lines. */
function flow(src: readonly string[]) {
  ensureLanguages();
  const root = parse("python", src.join("\n"));
  const r = analyseTaint(root, compileTaint(spec));
  return { lines: r.hits.map((h) => h.node.range().start.line + 1), hits: r.hits, parseErrorLine: r.parseErrorLine };
}

interface FlowCase {
  name: string;
  /** The lines flow() reports. */
  lines: number[];
  src: string[];
}

function itReportsTheLines(cases: FlowCase[]) {
  it.each(cases)("$name", ({ lines, src }) => {
    expect(flow(src).lines).toEqual(lines);
  });
}

/** Cases with one hit: the source it starts from, the helper it goes through (if any) and the sink it reaches. */
function itNamesTheHit(cases: (FlowCase & { source: string; via?: string; sink: string })[]) {
  it.each(cases)("$name", ({ lines, src, source, via, sink }) => {
    const { lines: reported, hits } = flow(src);
    expect(reported).toEqual(lines);
    expect({ source: hits[0]!.source.text(), via: hits[0]!.via, sink: hits[0]!.sink.text() }).toEqual({ source, via, sink });
  });
}

describe("taint flow inside a function", () => {
  itNamesTheHit([
    {
      name: "follows any key, any depth, through assignments and f-strings",
      lines: [4],
      source: "data",
      sink: "open(q)",
      src: ["def handle(data, context):", '    p = data[0]["input_file_path"]', '    q = f"/models/{p}"', "    open(q)", ""],
    },
  ]);

  itReportsTheLines([
    {
      name: "follows .get(), joins, formatting, pathlib division and await",
      lines: [7],
      src: [
        "async def handle(request):",
        '    a = request.get("name")',
        '    b = os.path.join("/srv", a)',
        '    c = "{}/x".format(b)',
        '    d = Path("/srv") / c',
        "    e = await d",
        "    open(e)",
        "",
      ],
    },
    {
      name: "loops, comprehensions, tuple unpacking, with-as, augmented assignment and container writes",
      lines: [3, 4, 6, 11, 14],
      src: [
        "def handle(data):",
        "    for row in data:",
        '        open(row["path"])',
        '    [open(r["p"]) for r in data]',
        "    a, b = data",
        "    eval(b)",
        "    with open('/x') as f:",
        "        pass",
        "    cmd = 'ls '",
        "    cmd += data[0]",
        "    os.system(cmd)",
        "    items = []",
        "    items.append(data)",
        "    eval(items)",
        "",
      ],
    },
    {
      name: "a comprehension is as tainted as its elements: a sanitized element makes a clean collection",
      lines: [6, 8],
      src: [
        "def handle(data):",
        "    names = [os.path.basename(d) for d in data]",
        "    open(names[0])",
        "    paths = [d for d in data]",
        "    safe = [int(v) for v in data.values()]",
        "    open({k: v for k, v in data.items()})",
        "    eval(safe)",
        "    open(paths[0])",
        "",
      ],
    },
    {
      name: "does not report sanitized values, allow-list guards or clean reassignments",
      lines: [],
      src: [
        "def handle(data):",
        "    open(os.path.basename(data))",
        "    eval(int(data))",
        '    os.system("ls " + shlex.quote(data))',
        '    name = data["model"]',
        "    if name not in ALLOWED:",
        "        raise ValueError(name)",
        "    open(name)",
        "    other = data['x']",
        "    assert other in ALLOWED",
        "    eval(other)",
        "    x = data",
        '    x = "fixed"',
        "    open(x)",
        "    ok = data in ALLOWED",
        "    eval(ok)",
        "",
      ],
    },
    {
      name: "a subscript or a .get() carries its container's taint, not its key's",
      lines: [4, 7],
      src: [
        "def handle(data):",
        "    rec = RECORDS[data]",
        '    open(rec["path"])',
        '    open(data["path"])',
        "    other = RECORDS.get(data)",
        "    open(other)",
        '    open(data.get("path"))',
        "",
      ],
    },
    {
      name: "an `or` is one of its operands, a `not` is a bool",
      lines: [3],
      src: ["def handle(data):", '    p = data.get("a") or "default.txt"', "    open(p)", "    q = not data", "    eval(q)", ""],
    },
    {
      name: "keeps taint that only one branch removes",
      lines: [5],
      src: ["def handle(data, flag):", "    p = data", "    if flag:", '        p = "x"', "    open(p)", ""],
    },
    { name: "ignores functions with no source", lines: [], src: ["def other(path):", "    open(path)", ""] },
  ]);
});

describe("one level of module-local helpers", () => {
  itNamesTheHit([
    {
      name: "a helper whose parameter reaches a sink is a sink for its callers",
      lines: [5],
      source: "data",
      via: "_read",
      sink: "open(path)",
      src: [
        "def _read(base, path):",
        "    return open(path)",
        "",
        "def handle(data):",
        '    _read("/srv", data["p"])',
        '    _read(data["p"], "fixed")',
        "",
      ],
    },
    {
      name: "a second level: a function handing its parameter to such a helper is a helper too",
      lines: [12],
      source: "data",
      via: "start_job",
      sink: "os.system(cmd)",
      src: [
        "def _run(cmd):",
        "    os.system(cmd)",
        "",
        "def start_job(name, cmd):",
        "    log(name)",
        "    _run(cmd)",
        "",
        "def schedule(cmd):",
        "    start_job('nightly', cmd)",
        "",
        "def handle(data):",
        '    start_job("x", data["cmd"])',
        '    start_job(data["name"], "ls")',
        "",
      ],
    },
  ]);

  itReportsTheLines([
    {
      name: "chains of helpers are followed up to four levels (_outer, _logic, _load, _fetch), not five",
      lines: [14, 15, 16],
      src: [
        "def _fetch(url):",
        "    os.system(url)",
        "",
        "def _load(url):",
        "    return _fetch(url)",
        "",
        "def _logic(url):",
        "    return _load(url)",
        "",
        "def _outer(url):",
        "    return _logic(url)",
        "",
        "def handle(data):",
        "    _fetch(data['a'])",
        "    _logic(data['b'])",
        "    _outer(data['c'])",
        "    _deeper(data['d'])",
        "",
        "def _deeper(url):",
        "    return _outer(url)",
        "",
      ],
    },
  ]);

  it("a helper handed to a runner (BackgroundTasks, an executor, a thread) is called with the arguments given", () => {
    const { lines, hits } = flow([
      "def _run(cmd, quiet=False):",
      "    os.system(cmd)",
      "",
      "def handle(data, background_tasks):",
      "    background_tasks.add_task(_run, data['cmd'])",
      "    executor.submit(_run, cmd=data['cmd'])",
      "    loop.run_in_executor(None, _run, data['cmd'])",
      "    threading.Thread(target=_run, args=(data['cmd'],)).start()",
      "    threading.Thread(target=_run, kwargs={'cmd': data['cmd']}).start()",
      "    background_tasks.add_task(_run, 'ls', quiet=data)",
      "    background_tasks.add_task(print, data)",
      "",
    ]);
    expect(lines).toEqual([5, 6, 7, 8, 9]);
    expect(hits.every((h) => h.via === "_run")).toBe(true);
  });

  itReportsTheLines([
    {
      name: "methods called through self, keyword arguments too",
      lines: [6, 7],
      src: [
        "class H:",
        "    def _run(self, cmd, extra=None):",
        "        os.system(cmd)",
        "",
        "    def handle(self, data):",
        "        self._run(data)",
        "        self._run(cmd=data['c'])",
        "        self._run('ls', extra=data)",
        "",
      ],
    },
    {
      name: "a helper returning a source's value is a source",
      lines: [6],
      src: ["def _ask():", "    v = input()", "    return v", "", "def main():", "    os.system(_ask())", ""],
    },
    {
      name: "a sink already reached inside a handler is reported once, not again at its callers",
      lines: [3],
      src: [
        "class H:",
        "    def preprocess(self, data):",
        "        return open(data)",
        "",
        "    def handle(self, data):",
        "        return self.preprocess(data)",
        "",
      ],
    },
  ]);

  it("throughHelpersOnly keeps only the values that reach a sink through a helper", () => {
    ensureLanguages();
    const root = parse(
      "python",
      ["def _read(p):", "    return open(p)", "", "def handle(data):", "    open(data)", "    _read(data)", ""].join("\n"),
    );
    const r = analyseTaint(root, compileTaint({ ...spec, throughHelpersOnly: true }));
    expect(r.hits.map((h) => [h.node.range().start.line + 1, h.via])).toEqual([[6, "_read"]]);
  });
});

describe("guards", () => {
  it("a validating call on the value guards what follows it, not what came before", () => {
    ensureLanguages();
    const guarded: TaintSpec = {
      ...spec,
      guards: [...spec.guards!, { kind: "expression_statement", has: { pattern: "validate_input($X)" } }],
    };
    const root = parse("python", ["def handle(data):", "    open(data)", "    validate_input(data)", "    open(data)", ""].join("\n"));
    expect(analyseTaint(root, compileTaint(guarded)).hits.map((h) => h.node.range().start.line + 1)).toEqual([2]);
  });
});

describe("parse errors", () => {
  it("reports the first line that did not parse", () => {
    const r = flow(["def handle(data):", "    open(data)", "", "x = = 1", ""]);
    expect(r.parseErrorLine).toBe(4);
  });
});

describe("a rulebook's data-flow checks in one query", () => {
  /** Compiles the checks into one TaintSet, runs its query once over `src`, and returns each check's hit texts. */
  function runTogether(checks: TaintCheckInput[], src: string): string[][] {
    const compiled = compileTaintSet(checks);
    ensureLanguages();
    const root = parse("python", src);
    const nodes = root.root().findAll(compiled[0]!.set.config);
    return analyseTaintChecks(root, nodes, compiled, tagNodes(nodes, compiled[0]!.set)).map((hits) => hits.map((h) => h.node.text()));
  }

  it("a parameter that two checks' different sources both match is a source to both", () => {
    const param = { kind: "identifier", inside: { kind: "parameters" } };
    const hits = runTogether(
      [
        { spec: { sources: [{ all: [param, { regex: "^data$" }] }], sinks: [{ pattern: "open($SINK)" }] } },
        {
          spec: {
            sources: [
              {
                all: [
                  param,
                  { inside: { kind: "parameters", inside: { kind: "function_definition", has: { field: "name", regex: "^handle$" } } } },
                ],
              },
            ],
            sinks: [{ pattern: "eval($SINK)" }],
          },
        },
      ],
      "def handle(data):\n    open(data)\n    eval(data)\n",
    );
    expect(hits).toEqual([["open(data)"], ["eval(data)"]]);
  });

  it("a source written as another check's shared source plus a condition still binds for its check", () => {
    const utils = {
      "handler-param": { all: [{ any: [{ kind: "identifier" }, { kind: "typed_parameter" }] }, { inside: { kind: "parameters" } }] },
    };
    const hits = runTogether(
      [
        { spec: { sources: [{ matches: "handler-param" }], sinks: [{ pattern: "open($SINK)" }] }, utils },
        // only parameters of preprocess: without sharing the first check's branch, `any` would never reach this one
        {
          spec: {
            sources: [
              {
                all: [
                  { matches: "handler-param" },
                  { inside: { stopBy: "end", kind: "function_definition", has: { field: "name", regex: "^preprocess$" } } },
                ],
              },
            ],
            sinks: [{ pattern: "eval($SINK)" }],
          },
          utils,
        },
      ],
      "def preprocess(data):\n    open(data)\n    eval(data)\n\ndef postprocess(out):\n    eval(out)\n",
    );
    expect(hits).toEqual([["open(data)"], ["eval(data)"]]);
  });

  it("a helper whose parameter reaches two checks' sinks reports the call for each check, analysed together or not", () => {
    const source = { kind: "identifier", regex: "^data$", inside: { kind: "parameters" } };
    const checks: TaintCheckInput[] = [
      { spec: { sources: [source], sinks: [{ pattern: "open($SINK)" }] } },
      { spec: { sources: [source], sinks: [{ pattern: "eval($SINK)" }] } },
    ];
    const src = "def _load(path):\n    open(path)\n    eval(path)\n\ndef handle(data):\n    _load(data)\n";
    // the two checks share their sources, so they are followed as one group: each still gets the call
    expect(runTogether(checks, src)).toEqual([["_load(data)"], ["_load(data)"]]);
    expect(runTogether([checks[1]!], src)).toEqual([["_load(data)"]]);
  });
});
