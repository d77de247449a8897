/**
 * What a model file holds, read without loading it: its format, the pickles in it (at any depth of archives) and
 * what they import, Keras layers that carry Python code, and what could not be read and why. Formats are told by
 * their bytes, not their names (a .bin can be a torch zip, a legacy pickle or safetensors); a name only decides
 * between formats that have no magic number (ONNX, protocol-0 pickles).
 */
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { createGunzip, createInflate } from "node:zlib";
import { Readable } from "node:stream";
import type yauzl from "yauzl";
import { ArtifactFormatError, ArtifactLimitError, BudgetError, ByteReader, chunksOf, mib, ReadBudget } from "./bytes.ts";
import { DEFAULT_PICKLE_LIMITS, isOpcode, readPickles, type PickleLimits, type PickleStream } from "./pickle.ts";
import { fileSource, isZip, openZip, sliceSource, withTemporaryCopy, type RandomSource } from "./zip.ts";

export const ARTIFACT_FORMATS = [
  "pickle",
  "torch-zip",
  "torchserve-mar",
  "numpy",
  "numpy-zip",
  "keras",
  "hdf5",
  "zip",
  "safetensors",
  "onnx",
  "gguf",
] as const;
export type ArtifactFormat = (typeof ARTIFACT_FORMATS)[number];
/** Formats that cannot carry code by design (their loaders read tensors and metadata only). */
export const SAFE_FORMATS: readonly ArtifactFormat[] = ["safetensors", "onnx", "gguf"];

export interface ArtifactLimits {
  /** Bytes read from one file, counted after decompression (archives, nested archives and compressed pickles). */
  maxFileBytes: number;
  /** Bytes read from all model files of one scan. */
  maxScanBytes: number;
  /** Entries read from one archive. */
  maxEntries: number;
  /** Uncompressed / compressed size of an entry, for entries larger than ratioFloorBytes (small ones compress well). */
  maxRatio: number;
  ratioFloorBytes: number;
  /** Archives inside archives (a .mar holding a .pt is depth 2). */
  maxDepth: number;
  /** A JSON document read whole (Keras config.json). */
  maxJsonBytes: number;
  /** How far into an HDF5 file Keras's model_config is looked for (it is written before the weights). */
  maxHdf5SearchBytes: number;
  pickle: PickleLimits;
}

export const DEFAULT_ARTIFACT_LIMITS: ArtifactLimits = {
  maxFileBytes: 1024 ** 3,
  maxScanBytes: 4 * 1024 ** 3,
  maxEntries: 10_000,
  maxRatio: 200,
  ratioFloorBytes: 1024 ** 2,
  maxDepth: 3,
  maxJsonBytes: 32 * 1024 ** 2,
  maxHdf5SearchBytes: 64 * 1024 ** 2,
  pickle: DEFAULT_PICKLE_LIMITS,
};

export interface FoundPickle {
  /** Where in the file: "" for the file itself, else archive entries joined by " > " (model.pt > archive/data.pkl). */
  entry: string;
  stream: PickleStream;
}

export interface FoundLayer {
  entry: string;
  className: string;
  name?: string;
}

export interface ArtifactInventory {
  /** The file's own format; undefined when it is none of them (reported as skipped, binary). */
  format?: ArtifactFormat;
  pickles: FoundPickle[];
  layers: FoundLayer[];
  /** What could not be read and why (limits, truncation, encryption): the scan reports each as an error. */
  problems: string[];
  /** Set for a Git LFS pointer: the file is a stand-in, the model is not in the repository. */
  lfsPointer?: { oid?: string; size?: number };
  bytesRead: number;
}

export interface InspectOptions {
  limits: ArtifactLimits;
  /** What the whole scan may still read, shared by its files. */
  scanBudget: { remaining: number };
  /** Keras layer classes some check reports (Lambda): the only ones looked for. */
  layerClasses: ReadonlySet<string>;
}

const LFS_POINTER = "version https://git-lfs.github.com/spec/";
const PICKLE_NAME = /\.(?:pkl|pickle|joblib|dill|pt|pth|ckpt|sav)$/i;
const HEAD = 64;

interface Ctx extends InspectOptions {
  budget: ReadBudget;
  inv: ArtifactInventory;
}

/** Inspects one file. Never throws for what the file holds: every problem is in `problems`. */
export async function inspectArtifact(abs: string, rel: string, opts: InspectOptions): Promise<ArtifactInventory> {
  const inv: ArtifactInventory = { pickles: [], layers: [], problems: [], bytesRead: 0 };
  const budget = new ReadBudget(opts.limits.maxFileBytes, opts.scanBudget, opts.limits.maxScanBytes);
  const ctx: Ctx = { ...opts, budget, inv };
  let fd;
  try {
    fd = await open(abs, "r");
    const source = fileSource(fd, (await fd.stat()).size);
    const r = new ByteReader(chunksOf(source.stream(0, source.size), budget));
    inv.format = await inspectStream(r, source.size, basename(rel), "", 0, ctx, async () => source, true);
  } catch (e) {
    inv.problems.push(describe(e));
  } finally {
    await fd?.close();
    inv.bytesRead = budget.fileUsed;
  }
  return inv;
}

function describe(e: unknown): string {
  if (e instanceof ArtifactLimitError) return `not fully scanned: ${e.message}`;
  if (e instanceof ArtifactFormatError) return `not fully scanned: ${e.message} at byte ${e.offset}`;
  const code = (e as NodeJS.ErrnoException).code;
  return code ? `cannot read (${code})` : `not fully scanned: ${(e as Error).message.split("\n")[0]}`;
}

const within = (entry: string, where: string) => (where ? `${where} > ${entry}` : entry);

/**
 * Inspects bytes read from `r` (a file, or an archive entry named `name` at `where`) and returns its format.
 * `zipSource` gives random access when the bytes turn out to be a zip.
 */
async function inspectStream(
  r: ByteReader,
  size: number,
  name: string,
  where: string,
  depth: number,
  ctx: Ctx,
  zipSource: () => Promise<RandomSource | undefined>,
  top = false,
): Promise<ArtifactFormat | undefined> {
  await r.ensure(Math.min(HEAD, size));
  const head = Buffer.from(r.buf.subarray(r.pos, r.pos + HEAD));
  const text = head.toString("latin1");
  if (top && size < 1024 && text.startsWith(LFS_POINTER)) {
    await r.ensure(size);
    const pointer = r.take(Math.min(size, r.available)).toString("utf8");
    const oid = /^oid (\S+)$/m.exec(pointer)?.[1];
    const bytes = /^size (\d+)$/m.exec(pointer)?.[1];
    ctx.inv.lfsPointer = { ...(oid ? { oid } : {}), ...(bytes ? { size: Number(bytes) } : {}) };
    return undefined;
  }
  if (isZip(head)) {
    const source = await zipSource();
    if (!source) return "zip";
    return inspectZip(source, name, where, depth, ctx);
  }
  if (text.startsWith("\x93NUMPY")) {
    await inspectNpy(r, where, ctx);
    return "numpy";
  }
  if (text.startsWith("GGUF")) return "gguf";
  if (text.startsWith("\x89HDF\r\n\x1a\n")) {
    await searchHdf5(r, where, ctx);
    return "hdf5";
  }
  if (size >= 10 && head.length >= 9) {
    // safetensors: a little-endian u64 header length, then that much JSON, then the tensors
    const headerLength = head.readUInt32LE(0) + head.readUInt32LE(4) * 2 ** 32;
    if (headerLength > 1 && headerLength <= 100 * 1024 ** 2 && 8 + headerLength <= size && head[8] === 0x7b) return "safetensors";
  }
  if (/\.onnx$/i.test(name)) return "onnx";
  if (head[0] === 0x1f && head[1] === 0x8b) return inspectCompressed(r, "gzip", where, ctx);
  if (head[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(head[1]!) && PICKLE_NAME.test(name))
    return inspectCompressed(r, "zlib", where, ctx);
  for (const [magic, what] of [
    ["BZh", "bz2"],
    ["\xfd7zXZ\x00", "xz"],
    ["\x5d\x00\x00", "lzma"],
  ] as const)
    if (text.startsWith(magic) && PICKLE_NAME.test(name)) {
      ctx.inv.problems.push(`not scanned: ${where || name} is compressed with ${what}, which this scanner does not read`);
      return "pickle";
    }
  // Protocols 2-5 start with PROTO; a protocol 0 or 1 pickle starts with any opcode, so only a pickle's name says so.
  const proto = head[0] === 0x80 && head[1]! <= 5;
  if (proto || (PICKLE_NAME.test(name) && head.length > 0 && isOpcode(head[0]!))) {
    await inspectPickles(r, where, ctx);
    return "pickle";
  }
  return undefined;
}

async function inspectPickles(r: ByteReader, where: string, ctx: Ctx) {
  const report = await readPickles(r, ctx.limits.pickle);
  for (const stream of report.pickles) ctx.inv.pickles.push({ entry: where, stream });
  if (report.error) ctx.inv.problems.push(`${where ? `${where}: ` : ""}not fully scanned: ${report.error}`);
}

async function inspectCompressed(r: ByteReader, kind: "gzip" | "zlib", where: string, ctx: Ctx): Promise<ArtifactFormat> {
  // joblib.dump(compress=...) and pickle.dump into gzip.open: the whole stream is one compressed pickle.
  const compressed = { bytes: 0 };
  const input = Readable.from(
    (async function* () {
      for await (const c of r.drain()) {
        compressed.bytes += c.length;
        yield c;
      }
    })(),
  );
  const inflated = input.pipe(kind === "gzip" ? createGunzip() : createInflate());
  let out = 0;
  const next = chunksOf(inflated, ctx.budget);
  const inner = new ByteReader(async () => {
    const c = await next();
    if (c) {
      out += c.length;
      if (out > ctx.limits.ratioFloorBytes && out / Math.max(1, compressed.bytes) > ctx.limits.maxRatio)
        throw new ArtifactLimitError(
          `${where || "the file"} inflates more than ${ctx.limits.maxRatio} times (${kind}); a compression bomb?`,
        );
    }
    return c;
  });
  try {
    await inspectPickles(inner, where, ctx);
  } finally {
    inflated.destroy();
    input.destroy();
  }
  return "pickle";
}

/** A .npy file: a header, then the array; an object array is a pickle. */
async function inspectNpy(r: ByteReader, where: string, ctx: Ctx) {
  if (!(await r.ensure(10))) throw new ArtifactFormatError("truncated .npy header", r.offset);
  const major = r.buf[r.pos + 6]!;
  const long = major >= 2;
  if (!(await r.ensure(long ? 12 : 10))) throw new ArtifactFormatError("truncated .npy header", r.offset);
  const headerLength = long ? r.buf.readUInt32LE(r.pos + 8) : r.buf.readUInt16LE(r.pos + 8);
  r.take(long ? 12 : 10);
  if (headerLength > 1024 * 1024 || !(await r.ensure(headerLength))) throw new ArtifactFormatError("invalid .npy header", r.offset);
  const header = r.take(headerLength).toString("latin1");
  // 'descr': '|O', or a structured dtype with an object field: [('a', 'O'), ...]
  const descr = /['"]descr['"]\s*:\s*(\[.*\]|'[^']*'|"[^"]*")/s.exec(header)?.[1] ?? "";
  if (/['"][|<>=]?O\d*['"]/.test(descr)) await inspectPickles(r, where, ctx);
}

/**
 * Keras's HDF5 format keeps the model's configuration as JSON in an attribute of the root group, written before
 * the weights: a Lambda layer's marshalled Python code is in there. This looks for the layer classes in the first
 * maxHdf5SearchBytes, not by parsing HDF5 (a heuristic, said so in docs/RULES.md).
 */
async function searchHdf5(r: ByteReader, where: string, ctx: Ctx) {
  if (ctx.layerClasses.size === 0) return;
  const names = [...ctx.layerClasses].map((c) => c.replace(/[^A-Za-z0-9_]/g, ""));
  const pattern = new RegExp(`"class_name":\\s*"(${names.join("|")})"`, "g");
  const found = new Set<string>();
  let searched = 0;
  let carry = "";
  for (;;) {
    if (r.available === 0 && !(await r.ensure(1))) break;
    const chunk = r.take(r.available).toString("latin1");
    const text = carry + chunk;
    for (const m of text.matchAll(pattern)) found.add(m[1]!);
    carry = text.slice(-256);
    searched += chunk.length;
    if (searched >= ctx.limits.maxHdf5SearchBytes) break;
  }
  for (const className of found) ctx.inv.layers.push({ entry: where, className });
}

function findLayers(config: unknown, classes: ReadonlySet<string>, out: { className: string; name?: string }[], depth = 0) {
  if (depth > 200 || !config || typeof config !== "object") return;
  if (Array.isArray(config)) {
    for (const c of config) findLayers(c, classes, out, depth + 1);
    return;
  }
  const o = config as Record<string, unknown>;
  if (typeof o.class_name === "string" && classes.has(o.class_name)) {
    const name = (o.config as { name?: unknown } | undefined)?.name;
    out.push({ className: o.class_name, ...(typeof name === "string" ? { name } : {}) });
  }
  for (const v of Object.values(o)) findLayers(v, classes, out, depth + 1);
}

function zipFormat(names: readonly string[], name: string): ArtifactFormat {
  if (/\.mar$/i.test(name) || names.some((n) => n === "MAR-INF/MANIFEST.json")) return "torchserve-mar";
  if (names.some((n) => /(^|\/)data\.pkl$/.test(n))) return "torch-zip";
  if (/\.keras$/i.test(name) || (names.includes("config.json") && names.includes("metadata.json"))) return "keras";
  if (names.length && names.every((n) => n.endsWith("/") || /\.npy$/i.test(n))) return "numpy-zip";
  return "zip";
}

const TEXT_NAME =
  /(?:\.(?:py|pyi|txt|md|rst|json|ya?ml|cfg|ini|toml|properties|sh|html|csv)|(?:^|\/)(?:LICENSE|README|requirements[^/]*))$/i;

/** torch's tensor storages: data/<n> in a checkpoint, never a pickle. */
const TORCH_STORAGE = /(^|\/)(?:data\/\d+|\.data\/[^/]+|version|byteorder)$/;

async function inspectZip(source: RandomSource, name: string, where: string, depth: number, ctx: Ctx): Promise<ArtifactFormat> {
  const label = where || name;
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(source);
  } catch (e) {
    ctx.inv.problems.push(`not scanned: ${label} is not a readable zip archive (${(e as Error).message.split("\n")[0]})`);
    return "zip";
  }
  const names: string[] = [];
  try {
    if (depth >= ctx.limits.maxDepth) {
      ctx.inv.problems.push(`not scanned: ${label} is an archive nested ${depth} deep, past the limit of ${ctx.limits.maxDepth}`);
      return "zip";
    }
    if (zip.entryCount > ctx.limits.maxEntries)
      ctx.inv.problems.push(`not fully scanned: ${label} has ${zip.entryCount} entries; the first ${ctx.limits.maxEntries} were read`);
    let seen = 0;
    for await (const entry of zip.eachEntry()) {
      if (++seen > ctx.limits.maxEntries) break;
      const fileName = entry.fileName;
      names.push(fileName);
      if (fileName.endsWith("/") || TORCH_STORAGE.test(fileName)) continue;
      await inspectEntry(zip, entry, source, within(fileName, where), depth, ctx);
    }
  } finally {
    zip.close();
  }
  return zipFormat(names, name);
}

async function inspectEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, parent: RandomSource, where: string, depth: number, ctx: Ctx) {
  const fileName = entry.fileName;
  const { uncompressedSize, compressedSize } = entry;
  // Source, manifests and documentation of a .mar or a Keras archive: opening each would spend the budget for nothing.
  if (TEXT_NAME.test(fileName) && fileName !== "config.json") return;
  if (uncompressedSize > ctx.limits.ratioFloorBytes && uncompressedSize / Math.max(1, compressedSize) > ctx.limits.maxRatio) {
    ctx.inv.problems.push(
      `not scanned: ${where} would inflate ${Math.round(uncompressedSize / Math.max(1, compressedSize))} times (${mib(uncompressedSize)}), past the limit of ${ctx.limits.maxRatio}; a zip bomb?`,
    );
    return;
  }
  if (entry.isEncrypted() || !entry.canDecodeFileData()) {
    ctx.inv.problems.push(
      `not scanned: ${where} is ${entry.isEncrypted() ? "encrypted" : `compressed with method ${entry.compressionMethod}`}`,
    );
    return;
  }
  if (fileName === "config.json" && ctx.layerClasses.size) {
    await readKerasConfig(zip, entry, where, ctx);
    return;
  }
  const stream = await zip.openReadStreamPromise(entry);
  const r = new ByteReader(chunksOf(stream, ctx.budget));
  try {
    await inspectStream(r, uncompressedSize, fileName, where, depth + 1, ctx, async () => {
      if (entry.compressionMethod === 0) {
        const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
        return sliceSource(parent, fileDataStart, compressedSize);
      }
      return undefined;
    }).then(async (format) => {
      // a compressed archive inside an archive: inflate it to a temporary file to read it in turn
      if (format === "zip" && entry.compressionMethod !== 0)
        await withTemporaryCopy(Buffer.alloc(0), r.drain(), (copy) => inspectZip(copy, fileName, where, depth + 1, ctx));
    });
  } catch (e) {
    // the budget is the file's or the scan's: every later entry would hit it too
    if (e instanceof BudgetError) throw e;
    ctx.inv.problems.push(`${where}: ${describe(e)}`);
  } finally {
    stream.destroy();
  }
}

async function readKerasConfig(zip: yauzl.ZipFile, entry: yauzl.Entry, where: string, ctx: Ctx) {
  if (entry.uncompressedSize > ctx.limits.maxJsonBytes) {
    ctx.inv.problems.push(
      `not scanned: ${where} is ${mib(entry.uncompressedSize)}, past the limit of ${mib(ctx.limits.maxJsonBytes)} for a configuration`,
    );
    return;
  }
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  const next = chunksOf(stream, ctx.budget);
  for (let c = await next(); c; c = await next()) chunks.push(c);
  let config: unknown;
  try {
    config = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    ctx.inv.problems.push(`not scanned: ${where} is not valid JSON`);
    return;
  }
  const found: { className: string; name?: string }[] = [];
  findLayers(config, ctx.layerClasses, found);
  for (const f of found) ctx.inv.layers.push({ entry: where, ...f });
}
