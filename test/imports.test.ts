/**
 * Data flow across modules: imports read from the text, resolved against the repository's own files, and a
 * value followed into another module's helper by a real scan (each file still parsed once).
 */
import { describe, expect, it } from "vitest";
import { importedSymbols, instanceBindings, ModuleIndex, parseImports, resolveCallee } from "../lib/engine/imports.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { scratch } from "./helpers.ts";
import { routeShellPolicy } from "./support/shell-flow-policy.ts";

describe("reading imports", () => {
  it("binds every name of from-imports (aliases, parentheses, continuation lines) and plain imports", () => {
    const text = [
      "import os, json as j",
      "import mikazuki.process as process",
      "from mikazuki import launch_utils",
      "from .api import (ManagementAPI,",
      "    LocalTS as TS)  # the two clients",
      "from ..utils import a, \\",
      "    b",
      "from x import *",
      "def f():",
      "    from lazy.mod import helper",
    ].join("\n");
    expect(parseImports(text)).toEqual([
      { local: "launch_utils", module: "mikazuki", level: 0, name: "launch_utils" },
      { local: "ManagementAPI", module: "api", level: 1, name: "ManagementAPI" },
      { local: "TS", module: "api", level: 1, name: "LocalTS" },
      { local: "a", module: "utils", level: 2, name: "a" },
      { local: "b", module: "utils", level: 2, name: "b" },
      { local: "helper", module: "lazy.mod", level: 0, name: "helper" },
      { local: "os", module: "os", level: 0 },
      { local: "j", module: "json", level: 0 },
      { local: "process", module: "mikazuki.process", level: 0 },
    ]);
  });
});

describe("resolving modules to the repository's files", () => {
  const index = new ModuleIndex([
    "src/pkg/__init__.py",
    "src/pkg/api.py",
    "src/pkg/dash.py",
    "src/pkg/sub/utils.py",
    "tools/utils.py",
    "lib/one.py",
    "README.md",
  ]);

  it("absolute names by any suffix of the path (src/ layouts), packages by __init__.py", () => {
    expect(index.resolve("src/pkg/dash.py", "pkg.api", 0)).toBe("src/pkg/api.py");
    expect(index.resolve("x.py", "src.pkg.api", 0)).toBe("src/pkg/api.py");
    expect(index.resolve("x.py", "pkg", 0)).toBe("src/pkg/__init__.py");
    expect(index.resolve("x.py", "one", 0)).toBe("lib/one.py");
  });

  it("installed packages and ambiguous names resolve to nothing; a tie is broken by the closest file", () => {
    expect(index.resolve("src/pkg/dash.py", "requests", 0)).toBeUndefined();
    expect(index.resolve("x.py", "utils", 0)).toBeUndefined();
    expect(index.resolve("tools/run.py", "utils", 0)).toBe("tools/utils.py");
    expect(index.resolve("src/pkg/sub/run.py", "utils", 0)).toBe("src/pkg/sub/utils.py");
  });

  it("relative imports from the importer's package, never above the root", () => {
    expect(index.resolve("src/pkg/dash.py", "api", 1)).toBe("src/pkg/api.py");
    expect(index.resolve("src/pkg/sub/utils.py", "api", 2)).toBe("src/pkg/api.py");
    expect(index.resolve("src/pkg/dash.py", "", 1)).toBe("src/pkg/__init__.py");
    expect(index.resolve("lib/one.py", "x", 5)).toBeUndefined();
  });

  it("callees: a module's function, an imported function, a method of an imported class's instance", () => {
    const text = [
      "from pkg import api",
      "from pkg.api import ManagementAPI, register",
      "import requests",
      "client = ManagementAPI(url)",
      "def f():",
      "    self.mgmt = ManagementAPI(u)",
    ].join("\n");
    const imported = importedSymbols("src/pkg/dash.py", text, index);
    expect([...imported.keys()]).toEqual(["api", "ManagementAPI", "register"]);
    const instances = instanceBindings(text, imported);
    expect([...instances.keys()]).toEqual(["client", "self.mgmt"]);
    expect(resolveCallee("api.register", imported, instances)).toEqual({ file: "src/pkg/api.py", name: "register", method: false });
    expect(resolveCallee("register", imported, instances)).toEqual({ file: "src/pkg/api.py", name: "register", method: false });
    expect(resolveCallee("client.register_model", imported, instances)).toEqual({
      file: "src/pkg/api.py",
      name: "ManagementAPI.register_model",
      method: true,
    });
    expect(resolveCallee("self.mgmt.delete", imported, instances)).toEqual({
      file: "src/pkg/api.py",
      name: "ManagementAPI.delete",
      method: true,
    });
    expect(resolveCallee("requests.post", imported, instances)).toBeUndefined();
  });

  it("a name bound to instances of two different classes is left out", () => {
    const idx = new ModuleIndex(["a.py", "b.py"]);
    const text = "from a import A\nfrom b import B\nx = A()\nx = B()\ny = A()\n";
    expect([...instanceBindings(text, importedSymbols("c.py", text, idx)).keys()]).toEqual(["y"]);
  });
});

const POLICY = routeShellPolicy();

describe("a scan follows request data into another module's helper", () => {
  const s = scratch();
  s.write(
    "app/launch.py",
    [
      "import subprocess",
      "def run(cmd, desc=None):",
      "    subprocess.run(cmd, shell=True)",
      "",
      "class Runner:",
      "    def go(self, cmd):",
      "        subprocess.run(cmd, shell=True)",
      "",
    ].join("\n"),
  );
  s.write(
    "app/api.py",
    [
      "from app import launch",
      "from app.launch import Runner, run as run_it",
      "runner = Runner()",
      "def route_a(body, tasks):",
      "    launch.run(f'python {body}')",
      "    tasks.add_task(launch.run, body)",
      "    run_it(body)",
      "    runner.go(body)",
      "    launch.run('constant', desc=body)",
      "",
    ].join("\n"),
  );
  // Not a route: the module's own parameter is no request data, and it imports nothing with the sink.
  s.write("app/other.py", ["from app import launch", "def helper(body):", "    launch.run(body)", ""].join("\n"));

  it("reports each call that hands request data to the helper's sink, and nothing for a parameter the helper never runs", async () => {
    const r = await scanDirectory(s.root, { checks: POLICY.checks });
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => `${f.path}:${f.line}`)).toEqual(["app/api.py:5", "app/api.py:6", "app/api.py:7", "app/api.py:8"]);
    expect(r.findings[0]!.message).toBe("Request data (body) reaches subprocess.run through launch.run().");
    expect(r.findings[3]!.message).toContain("through runner.go()");
    // api.py (its check) and launch.py (its helpers) are parsed once each; other.py matches no prefilter
    expect(r.stats.parses).toMatchObject({ total: 2, files: 2, maxPerFile: 1, dataFlowFiles: 2 });
  });

  it("a function of the other module that hands its parameter to that module's own sink holder is a helper too", async () => {
    const t = scratch();
    t.write(
      "jobs.py",
      [
        "import subprocess",
        "def _run(cmd):",
        "    subprocess.run(cmd, shell=True)",
        "",
        "def start(name, cmd):",
        "    print(name)",
        "    _run(cmd)",
        "",
      ].join("\n"),
    );
    t.write(
      "api.py",
      ["from jobs import start", "def route_jobs(body):", "    start('nightly', body)", "    start(body, 'ls')", ""].join("\n"),
    );
    const r = await scanDirectory(t.root, { checks: POLICY.checks });
    expect(r.findings.map((f) => `${f.path}:${f.line} ${f.message}`)).toEqual([
      "api.py:3 Request data (body) reaches subprocess.run through start().",
    ]);
  });

  it("a module imported only by files the check does not select is not parsed for it", async () => {
    const t = scratch();
    t.write("launch.py", "import subprocess\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n");
    t.write("api.py", "from launch import run\ndef other(body):\n    run(body)\n");
    const r = await scanDirectory(t.root, { checks: POLICY.checks });
    expect(r.findings).toEqual([]);
    expect(r.stats.parses?.dataFlowFiles ?? 0).toBe(0);
  });
});
