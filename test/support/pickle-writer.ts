/**
 * The tests' own writers for model files: a pickle assembler (opcode by opcode, following CPython's
 * Lib/pickletools.py) and a deterministic zip writer. Hostile and tricky pickles are spelt out here rather than
 * made by Python, so each test shows the bytes it feeds the scanner.
 */
import { crc32, deflateRawSync } from "node:zlib";

export class PickleWriter {
  private readonly parts: Buffer[] = [];

  raw(...bytes: (number | string | Buffer)[]): this {
    for (const b of bytes) this.parts.push(typeof b === "number" ? Buffer.from([b]) : typeof b === "string" ? Buffer.from(b, "latin1") : b);
    return this;
  }
  proto(n: number) {
    return this.raw(0x80, n);
  }
  frame(n: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return this.raw(0x95, b);
  }
  /** GLOBAL: module and name on lines of their own (protocols 0-3). */
  global(module: string, name: string) {
    return this.raw(`c${module}\n${name}\n`);
  }
  /** INST: like GLOBAL, then calls the class with what is above the MARK. */
  inst(module: string, name: string) {
    return this.raw(`i${module}\n${name}\n`);
  }
  stackGlobal() {
    return this.raw(0x93);
  }
  /**
   * STACK_GLOBAL of module.name with both names memoised first (MEMOIZE, POP) and fetched back with BINGET:
   * a scanner reading only the strings next to STACK_GLOBAL misses it (a picklescan bypass). Memo slots 0 and 1.
   */
  memoisedGlobal(module: string, name: string) {
    return this.shortUnicode(module).memoize().pop().shortUnicode(name).memoize().pop().binGet(0).binGet(1).stackGlobal();
  }
  /** STACK_GLOBAL of `name` in a module whose name is computed while loading (str.lower of `upper`), so no list can match it. */
  computedGlobal(upper: string, name: string) {
    return this.shortUnicode("builtins")
      .shortUnicode("str.lower")
      .stackGlobal()
      .shortUnicode(upper)
      .tuple1()
      .reduce()
      .shortUnicode(name)
      .stackGlobal();
  }
  shortUnicode(s: string) {
    const b = Buffer.from(s, "utf8");
    return this.raw(0x8c, b.length, b);
  }
  binUnicode(s: string) {
    const b = Buffer.from(s, "utf8");
    const n = Buffer.alloc(4);
    n.writeUInt32LE(b.length);
    return this.raw(0x58, n, b);
  }
  /** STRING: protocol 0's quoted str. */
  string(s: string) {
    return this.raw(`S'${s}'\n`);
  }
  unicode(s: string) {
    return this.raw(`V${s}\n`);
  }
  binInt1(n: number) {
    return this.raw(0x4b, n);
  }
  memoize() {
    return this.raw(0x94);
  }
  binPut(n: number) {
    return this.raw(0x71, n);
  }
  binGet(n: number) {
    return this.raw(0x68, n);
  }
  put(n: number) {
    return this.raw(`p${n}\n`);
  }
  get(n: number) {
    return this.raw(`g${n}\n`);
  }
  mark() {
    return this.raw(0x28);
  }
  tuple() {
    return this.raw(0x74);
  }
  tuple1() {
    return this.raw(0x85);
  }
  tuple2() {
    return this.raw(0x86);
  }
  emptyTuple() {
    return this.raw(0x29);
  }
  emptyDict() {
    return this.raw(0x7d);
  }
  setItem() {
    return this.raw(0x73);
  }
  setItems() {
    return this.raw(0x75);
  }
  reduce() {
    return this.raw(0x52);
  }
  newObj() {
    return this.raw(0x81);
  }
  build() {
    return this.raw(0x62);
  }
  none() {
    return this.raw(0x4e);
  }
  pop() {
    return this.raw(0x30);
  }
  ext1(code: number) {
    return this.raw(0x82, code);
  }
  stop() {
    return this.raw(0x2e);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** `(module.name)(arg)`: what a malicious __reduce__ pickles, at any protocol. */
export function callPickle(module: string, name: string, arg: string, protocol = 2): Buffer {
  const w = new PickleWriter();
  if (protocol >= 2) w.proto(protocol);
  if (protocol >= 4) w.shortUnicode(module).shortUnicode(name).stackGlobal().shortUnicode(arg).tuple1();
  else if (protocol >= 2) w.global(module, name).binUnicode(arg).tuple1();
  else {
    w.global(module, name).mark();
    if (protocol === 1) w.binUnicode(arg);
    else w.string(arg);
    w.tuple();
  }
  return w.reduce().stop().bytes();
}

/** A state dict as torch.save pickles it: an OrderedDict of one tensor rebuilt from a storage. */
export function torchStateDict(): Buffer {
  return new PickleWriter()
    .proto(2)
    .global("collections", "OrderedDict")
    .emptyTuple()
    .reduce()
    .binPut(0)
    .shortUnicode("weight")
    .global("torch._utils", "_rebuild_tensor_v2")
    .mark()
    .mark()
    .shortUnicode("storage")
    .global("torch", "FloatStorage")
    .shortUnicode("0")
    .shortUnicode("cpu")
    .binInt1(4)
    .tuple()
    .raw(0x51) // BINPERSID: the storage lives in data/0
    .binInt1(0)
    .binInt1(2)
    .binInt1(2)
    .tuple2()
    .binInt1(2)
    .binInt1(1)
    .tuple2()
    .raw(0x89) // NEWFALSE: requires_grad
    .global("collections", "OrderedDict")
    .emptyTuple()
    .reduce()
    .tuple()
    .reduce()
    .setItem()
    .stop()
    .bytes();
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  method?: "store" | "deflate";
  /** Lie about the entry's uncompressed size (a zip bomb's trick). */
  declaredSize?: number;
  /** Compressed bytes as given (with method deflate), e.g. a deflate stream made elsewhere. */
  compressed?: Buffer;
}

interface EntryFields {
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  nameLength: number;
}

/** The run of fields, from "version needed" to the name's length, that an entry's local header and its central record share. */
function writeEntryFields(header: Buffer, at: number, f: EntryFields) {
  header.writeUInt16LE(20, at);
  header.writeUInt16LE(0x0800, at + 2); // UTF-8 names
  header.writeUInt16LE(f.method, at + 4);
  header.writeUInt16LE(0, at + 6);
  header.writeUInt16LE(0x21, at + 8); // 1980-01-01, so the same entries give the same bytes
  header.writeUInt32LE(f.crc, at + 10);
  header.writeUInt32LE(f.compressedSize, at + 14);
  header.writeUInt32LE(f.size, at + 18);
  header.writeUInt16LE(f.nameLength, at + 22);
}

/** A zip archive, byte for byte the same for the same entries (fixed timestamps). */
export function zipArchive(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const method = e.method === "deflate" ? 8 : 0;
    const body = e.compressed ?? (method === 8 ? deflateRawSync(e.data) : e.data);
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data);
    const fields = { method, crc, compressedSize: body.length, size, nameLength: name.length };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, fields);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    writeEntryFields(cd, 6, fields);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, end]);
}

/** A .npy file: the v1 header, then `body` (an object array's body is a pickle). */
export function npy(descr: string, shape: string, body: Buffer): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += `${" ".repeat(63 - ((10 + header.length) % 64))}\n`;
  const len = Buffer.alloc(2);
  len.writeUInt16LE(header.length);
  return Buffer.concat([Buffer.from("\x93NUMPY\x01\x00", "latin1"), len, Buffer.from(header, "latin1"), body]);
}

/** A safetensors file of one little float tensor. */
export function safetensors(): Buffer {
  const header = Buffer.from(JSON.stringify({ weight: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, Buffer.alloc(8)]);
}
