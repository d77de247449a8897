/**
 * Model artifacts: the pickle opcode reader, archive and format handling, findings and their fingerprints, and
 * the CLI's reports. Every model file here is made by the tests' own writers (test/support/pickle-writer.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ByteReader } from "../lib/engine/artifacts/bytes.ts";
import { readPickles } from "../lib/engine/artifacts/pickle.ts";
import { loadRulebook, parsePolicy } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { run } from "../lib/cli/main.ts";
import { artifactFixtures } from "./support/artifact-fixtures.ts";
import { callPickle, npy, PickleWriter, safetensors, torchStateDict, zipArchive } from "./support/pickle-writer.ts";
import { scratch } from "./helpers.ts";

const RULES = join(import.meta.dirname, "..", "rules");
const policy = loadRulebook(RULES).policies.find((p) => p.file === "ml-serving/model-artifacts.policy.yaml")!;
const checks = policy.checks;

/** Reads `bytes` a few bytes at a time, so every value straddles a chunk boundary somewhere. */
function chunked(bytes: Buffer, size = 3) {
  let at = 0;
  return new ByteReader(async () => (at >= bytes.length ? null : bytes.subarray(at, (at += size))));
}

const importsOf = async (bytes: Buffer, size?: number) => {
  const report = await readPickles(chunked(bytes, size));
  return {
    ...report,
    imports: report.pickles.flatMap((p) => p.imports.map((i) => `${i.opcode} ${i.module}.${i.name}${i.computed ? " (computed)" : ""}`)),
  };
};

describe("the pickle opcode reader", () => {
  it.each([0, 1, 2, 3, 4, 5])("reads what a protocol %i pickle imports, across chunk boundaries", async (protocol) => {
    for (const size of [1, 2, 7, 4096]) {
      const r = await importsOf(callPickle("os", "system", "id", protocol), size);
      expect(r.imports).toEqual([`${protocol >= 4 ? "STACK_GLOBAL" : "GLOBAL"} os.system`]);
      expect(r.error).toBeUndefined();
      expect(r.pickles[0]!.complete).toBe(true);
    }
  });

  it("resolves STACK_GLOBAL names fetched from the memo (binary and text memo opcodes)", async () => {
    const binary = new PickleWriter()
      .proto(4)
      .shortUnicode("posix")
      .memoize()
      .pop()
      .shortUnicode("system")
      .binPut(7)
      .pop()
      .binGet(0)
      .binGet(7)
      .stackGlobal()
      .stop()
      .bytes();
    expect((await importsOf(binary)).imports).toEqual(["STACK_GLOBAL posix.system"]);
    const text = new PickleWriter().unicode("nt").put(3).pop().unicode("system").put(4).pop().get(3).get(4).stackGlobal().stop().bytes();
    expect((await importsOf(text)).imports).toEqual(["STACK_GLOBAL nt.system"]);
  });

  it("reports a STACK_GLOBAL whose names are not literal strings, and an extension code, as computed", async () => {
    const built = new PickleWriter().proto(4).computedGlobal("OS", "system").stop().bytes();
    expect((await importsOf(built)).imports).toEqual(["STACK_GLOBAL builtins.str.lower", "STACK_GLOBAL ?.system (computed)"]);
    expect((await importsOf(new PickleWriter().proto(2).ext1(42).stop().bytes())).imports).toEqual([
      "EXT1 copyreg.extension 42 (computed)",
    ]);
  });

  it("reads a second pickle after the first STOP, and stops quietly at bytes that are not a pickle", async () => {
    const two = Buffer.concat([torchStateDict(), callPickle("builtins", "exec", "x", 4)]);
    const r = await importsOf(two);
    expect(r.pickles).toHaveLength(2);
    expect(r.imports.at(-1)).toBe("STACK_GLOBAL builtins.exec");
    // torch's legacy format: pickles, then raw storages
    const legacy = await importsOf(Buffer.concat([torchStateDict(), Buffer.from([0x00, 0x10, 0, 0, 0, 0, 0, 0]), Buffer.alloc(64, 0xab)]));
    expect([legacy.trailingAt, legacy.error]).toEqual([torchStateDict().length, undefined]);
    expect(legacy.pickles).toHaveLength(1);
  });

  it("keeps the imports of a truncated pickle and says where it stopped", async () => {
    const full = callPickle("os", "system", "rm -rf /", 2);
    const r = await importsOf(full.subarray(0, full.length - 3));
    expect(r.imports).toEqual(["GLOBAL os.system"]);
    expect(r.error).toMatch(/^pickle at byte 0: truncated/);
  });

  it("refuses what CPython would refuse before importing: a name that is no Python name, an unknown opcode", async () => {
    expect((await importsOf(Buffer.from("cos system\nx\n.", "latin1"))).error).toMatch(/not a Python name/);
    expect((await importsOf(Buffer.from([0x80, 0x02, 0xff]))).error).toMatch(/invalid opcode 0xff at byte 2/);
  });

  /** A NumpyArrayWrapper as joblib pickles it, with `body` (the array's bytes) straight after its BUILD. */
  function joblibArray(dtype: string, shape: number[], body: Buffer) {
    const w = new PickleWriter()
      .proto(4)
      .shortUnicode("joblib.numpy_pickle")
      .shortUnicode("NumpyArrayWrapper")
      .stackGlobal()
      .emptyTuple()
      .newObj()
      .emptyDict()
      .mark();
    w.shortUnicode("shape").mark();
    for (const n of shape) w.binInt1(n);
    w.tuple()
      .shortUnicode("dtype")
      .shortUnicode("numpy")
      .shortUnicode("dtype")
      .stackGlobal()
      .shortUnicode(dtype)
      .raw(0x89, 0x88)
      .raw(0x87)
      .reduce();
    w.shortUnicode("numpy_array_alignment_bytes").binInt1(16).setItems().build();
    return Buffer.concat([w.bytes(), Buffer.from([3, 0xff, 0xff, 0xff]), body]);
  }

  it("skips the array bytes joblib writes inside its pickle, and reads an object array's own pickle", async () => {
    // 2x3 float64 = 48 bytes that are not opcodes, then the pickle goes on and imports os.system
    const floats = Buffer.concat([
      joblibArray("f8", [2, 3], Buffer.alloc(48, 0xfe)),
      new PickleWriter()
        .pop()
        .raw(callPickle("os", "system", "id", 4).subarray(2))
        .bytes(),
    ]);
    const r = await importsOf(floats, 5);
    expect(r.error).toBeUndefined();
    expect(r.imports).toEqual(["STACK_GLOBAL joblib.numpy_pickle.NumpyArrayWrapper", "STACK_GLOBAL numpy.dtype", "STACK_GLOBAL os.system"]);
    const objects = Buffer.concat([joblibArray("O", [1], callPickle("posix", "system", "id", 4)), Buffer.from(".")]);
    expect((await importsOf(objects)).imports).toContain("STACK_GLOBAL posix.system");
  });
});

describe("model files in a scan", () => {
  it("commits exactly the fixtures the writer makes", () => {
    const dir = join(RULES, "ml-serving/model-artifacts.fixtures");
    for (const [rel, bytes] of Object.entries(artifactFixtures())) {
      expect(readFileSync(join(dir, rel)).equals(bytes), `${rel} differs from test/support/artifact-fixtures.ts: regenerate it`).toBe(true);
      expect(bytes.length, `${rel} is a small fixture`).toBeLessThan(4096);
    }
  });

  it("counts safe formats, skips LFS pointers without errors, and reports the entry and globals", async () => {
    const dir = scratch("posture-artifacts-");
    dir.write("w/model.safetensors", safetensors());
    dir.write("w/model.onnx", Buffer.from([0x08, 0x07, 0x12, 0x04]));
    dir.write("w/model.gguf", Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(20)]));
    dir.write("w/big.pt", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 5000000000\n");
    dir.write("w/firmware.bin", Buffer.alloc(100, 0x55));
    dir.write(
      "w/several.pt",
      zipArchive([
        { name: "archive/data.pkl", data: torchStateDict() },
        { name: "archive/a.pkl", data: callPickle("os", "system", "x") },
        { name: "archive/b.pkl", data: callPickle("webbrowser", "open", "x", 4), method: "deflate" },
      ]),
    );
    const r = await scanDirectory(dir.root, { checks });
    expect(r.errors).toEqual([]);
    expect(r.stats.artifacts).toMatchObject({ files: 4, safe: 3, formats: { safetensors: 1, onnx: 1, gguf: 1, "torch-zip": 1 } });
    expect(r.skippedFiles).toEqual([
      { path: "w/big.pt", reason: "lfs-pointer", detail: "not scanned: LFS pointer to 5000000000 bytes (sha256:abc)" },
      { path: "w/firmware.bin", reason: "binary", detail: "not a model format Posture reads" },
    ]);
    expect(r.findings.map((f) => [f.path, f.line, f.ruleId, f.message.match(/imports (.*?) \(in (.*?)\)/)?.slice(1)])).toEqual([
      ["w/several.pt", 1, "ml-serving.artifact.code-execution", ["os.system", "archive/a.pkl"]],
      ["w/several.pt", 1, "ml-serving.artifact.code-execution", ["webbrowser.open", "archive/b.pkl"]],
    ]);
  });

  it("reads compressed joblib files and finds Lambda layers in Keras HDF5 models", async () => {
    const dir = scratch("posture-artifacts-more-");
    dir.write("m/model.joblib", gzipSync(callPickle("os", "system", "id", 4)));
    dir.write("m/zlib.joblib", deflateSync(callPickle("nt", "system", "id", 4)));
    dir.write("m/old.joblib", Buffer.concat([Buffer.from("\xfd7zXZ\x00", "latin1"), Buffer.alloc(20)]));
    const config = JSON.stringify({ class_name: "Sequential", config: { layers: [{ class_name: "Lambda", config: { name: "l" } }] } });
    dir.write(
      "m/model.h5",
      Buffer.concat([Buffer.from("\x89HDF\r\n\x1a\n", "latin1"), Buffer.alloc(300_000), Buffer.from(config), Buffer.alloc(1000)]),
    );
    const r = await scanDirectory(dir.root, { checks });
    expect(
      r.findings.map((f) => [
        f.path,
        f.ruleId,
        f.message
          .match(/imports (\S+)|defines (.*?),/)
          ?.slice(1)
          .find(Boolean),
      ]),
    ).toEqual([
      ["m/model.h5", "ml-serving.artifact.keras-code-layer", "Lambda layer"],
      ["m/model.joblib", "ml-serving.artifact.code-execution", "os.system,"],
      ["m/zlib.joblib", "ml-serving.artifact.code-execution", "nt.system,"],
    ]);
    expect(r.errors).toEqual([
      { path: "m/old.joblib", message: "not scanned: old.joblib is compressed with xz, which this scanner does not read" },
    ]);
  });

  it("keeps a finding's fingerprint while its file changes elsewhere, and gives a new one when its imports change", async () => {
    const dir = scratch("posture-artifacts-fp-");
    const scan = async () => (await scanDirectory(dir.root, { checks })).findings.map((f) => f.fingerprint);
    dir.write("m/model.pkl", callPickle("os", "system", "first command"));
    const [before] = await scan();
    dir.write("m/model.pkl", callPickle("os", "system", "another, longer command entirely"));
    expect(await scan()).toEqual([before]);
    dir.write("m/model.pkl", Buffer.concat([callPickle("os", "system", "x"), callPickle("os", "popen", "y")]));
    const [after] = await scan();
    expect(after).not.toBe(before);
  });

  it("lets .posture.yaml turn a check off for a path, as for any check", async () => {
    const dir = scratch("posture-artifacts-cfg-");
    dir.write("research/notebook-cache.pkl", callPickle("os", "system", "x"));
    dir.write(
      ".posture.yaml",
      "disable:\n  - check: ml-serving.artifact.code-execution\n    paths: [research/**]\n    reason: scratch files of a researcher, never served\n",
    );
    const r = await scanDirectory(dir.root, { checks });
    expect(r.findings).toEqual([]);
    expect(r.stats.artifacts?.pickles).toBe(1);
  });

  it("rejects an artifact check with text-file options or without anything to report", () => {
    const base = (extra: string) =>
      `policy: P\nframework: ml-serving\nlevel: critical\nreferences: [CWE-502]\nwhy: w\nremediation: r\nchecks:\n  - id: x.artifact.y\n    severity: high\n    message: m\n    files: ["**/*.pkl"]\n${extra}`;
    expect(() => parsePolicy(base("    prefilter: [os]\n    match: { language: pickle, computed: true }\n"), "p.yaml")).toThrow(
      /prefilter is for text files/,
    );
    expect(() => parsePolicy(base("    match: { language: pickle }\n"), "p.yaml")).toThrow(/give imports, computed: true, or both/);
    expect(() => parsePolicy(base("    match: { language: pickle, imports: { 'os system': '*' } }\n"), "p.yaml")).toThrow(
      /match\.imports\.os system: Invalid key/,
    );
    expect(
      parsePolicy(base("    match: { language: pickle, imports: { os: '*' }, except: { os.path: [join] } }\n"), "p.yaml").checks,
    ).toHaveLength(1);
  });

  it("shows artifact findings in the CLI's text, JSON and SARIF", async () => {
    const dir = scratch("posture-artifacts-cli-");
    dir.write(
      "store/model.mar",
      zipArchive([
        {
          name: "model.pt",
          data: zipArchive([{ name: "archive/data.pkl", data: callPickle("subprocess", "Popen", "sh") }]),
          method: "deflate",
        },
      ]),
    );
    dir.write("store/arrays.npy", npy("|O", "(1,)", callPickle("os", "system", "id")));
    const out = async (format: string) => {
      let stdout = "";
      const code = await run(["scan", dir.root, "--format", format, "--fail-on", "critical"], {
        stdout: (s) => (stdout += s),
        stderr: () => undefined,
        isTTY: false,
      });
      return { code, stdout };
    };
    const text = await out("text");
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("subprocess.Popen (in model.pt > archive/data.pkl)");
    expect(text.stdout).toContain("model.pt > archive/data.pkl: GLOBAL subprocess Popen at byte 2");
    expect(text.stdout).toMatch(/Model files: 2 read \(1 numpy, 1 torchserve-mar\), 2 pickles/);
    const json = JSON.parse((await out("json")).stdout);
    expect(json.findings.map((f: { path: string; ruleId: string; line: number }) => [f.path, f.ruleId, f.line])).toEqual([
      ["store/arrays.npy", "ml-serving.artifact.code-execution", 1],
      ["store/model.mar", "ml-serving.artifact.code-execution", 1],
    ]);
    expect(json.stats.artifacts).toMatchObject({ files: 2, pickles: 2 });
    const sarif = JSON.parse((await out("sarif")).stdout);
    const results = sarif.runs[0].results;
    expect(
      results.map(
        (r: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
        }) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine],
      ),
    ).toEqual([
      ["ml-serving.artifact.code-execution", "store/arrays.npy", 1],
      ["ml-serving.artifact.code-execution", "store/model.mar", 1],
    ]);
    expect(results[1].message.text).toContain("subprocess.Popen");
  });
});
