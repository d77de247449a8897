/**
 * Reads Python pickles by their opcodes, never by loading them: what a pickle imports is what it can run, since
 * unpickling calls whatever GLOBAL, STACK_GLOBAL or INST names (os.system, builtins.eval ...).
 *
 * Why not a library: the npm pickle packages (pickleparser, jpickle, unpickle) rebuild the objects a pickle
 * describes, which is exactly what a scanner must not do with a multi-gigabyte or hostile stream, and none of them
 * streams or reports the imports. This reader follows the opcode table of CPython's Lib/pickletools.py (protocols
 * 0 to 5) and keeps just enough of the stack and memo to name what STACK_GLOBAL imports when the module and name
 * are strings put in the memo earlier (a trick published against picklescan), reading the input a chunk at a time.
 *
 * What CPython does, it does here: a pickle ends at STOP, and whatever follows may be another pickle (torch's
 * legacy format writes five in a row; a second pickle after the first STOP is another published bypass), so the
 * reader goes on until the bytes that follow are not a pickle. A value it does not model is "other"; a
 * STACK_GLOBAL whose names are not literal strings is reported as a computed import rather than guessed.
 */
import { ArtifactFormatError, ArtifactLimitError, type ByteReader, LONG_LINE } from "./bytes.ts";

export interface PickleImport {
  module: string;
  name: string;
  opcode: "GLOBAL" | "INST" | "STACK_GLOBAL" | "EXT1" | "EXT2" | "EXT4";
  /** Byte offset of the opcode in the stream that holds the pickle. */
  offset: number;
  /** The module or name is not a literal string of the pickle (computed at load time, an extension code). */
  computed?: true;
}

export interface PickleStream {
  /** Byte offset of the pickle's first opcode. */
  offset: number;
  protocol: number;
  imports: PickleImport[];
  /** It reached STOP. */
  complete: boolean;
}

export interface PickleReport {
  pickles: PickleStream[];
  /** Where bytes that are not a pickle follow the last one (torch's legacy storages, joblib's trailer). */
  trailingAt?: number;
  /** Why reading stopped early: truncated, an invalid opcode, a limit. The imports read until then stand. */
  error?: string;
}

export interface PickleLimits {
  /** Stack entries (an opcode flood of MARKs or pushes). */
  maxStack: number;
  /** Memo entries remembered; past it, names fetched from the memo are reported as computed. */
  maxMemo: number;
  /** Pickles read one after another from one stream. */
  maxPickles: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = { maxStack: 1_000_000, maxMemo: 1_000_000, maxPickles: 256 };

// The values this reader models: enough to resolve STACK_GLOBAL and to size joblib's inline arrays.
const MARK = Symbol("mark");
const OTHER = Symbol("other");
type Value = string | number | Glob | Tuple | Obj | Dict | typeof OTHER;
type Entry = Value | typeof MARK;
class Glob {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}
class Tuple {
  constructor(readonly items: Value[]) {}
}
class Obj {
  state: Value = OTHER;
  constructor(
    readonly cls: Value,
    readonly args: Value,
  ) {}
}
class Dict {
  readonly items = new Map<string, Value>();
}

/** Longest string kept as a value: longer ones cannot be module or attribute names anyone imports. */
const MAX_NAME = 512;
const MAX_TUPLE = 8;
const MAX_DICT = 64;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The first byte of every opcode CPython knows (protocols 0-5). */
const OPCODES = new Set(
  [..."(.012FIJKLMNPQRSTUVXabcdeghijlopqrstu}])GBC"]
    .map((c) => c.charCodeAt(0))
    .concat(Array.from({ length: 0x98 - 0x80 + 1 }, (_, i) => 0x80 + i)),
);

/**
 * The opcodes whose value follows its length: how many bytes the length takes (BINSTRING's is signed), and what a
 * str decodes as (null: bytes, which never name an import).
 */
const LENGTH_PREFIXED = new Map<number, { width: 1 | 4 | 8; signed?: true; str: "utf8" | "latin1" | null }>([
  [0x8c, { width: 1, str: "utf8" }], // SHORT_BINUNICODE
  [0x58, { width: 4, str: "utf8" }], // BINUNICODE
  [0x8d, { width: 8, str: "utf8" }], // BINUNICODE8
  [0x55, { width: 1, str: "latin1" }], // SHORT_BINSTRING: a str in Python 3 (decoded as ASCII by default)
  [0x54, { width: 4, signed: true, str: "latin1" }], // BINSTRING
  [0x43, { width: 1, str: null }], // SHORT_BINBYTES
  [0x42, { width: 4, str: null }], // BINBYTES
  [0x8e, { width: 8, str: null }], // BINBYTES8
  [0x96, { width: 8, str: null }], // BYTEARRAY8
]);

function readU64LE(buf: Buffer, at: number): number {
  // Past 2^53 no input is that long: it is truncated whatever we skip.
  return buf.readUInt32LE(at + 4) * 2 ** 32 + buf.readUInt32LE(at);
}

/** Whether a byte can start a pickle (any opcode can; a stream of them is tried). */
export function isOpcode(byte: number): boolean {
  return OPCODES.has(byte);
}

/** Reads every pickle in the stream, one after another, until its end or bytes that are not a pickle. */
export async function readPickles(r: ByteReader, limits: PickleLimits = DEFAULT_PICKLE_LIMITS): Promise<PickleReport> {
  const report: PickleReport = { pickles: [] };
  while (!(await r.atEnd())) {
    const start = r.offset;
    if (report.pickles.length > 0 && !OPCODES.has(r.buf[r.pos]!)) {
      report.trailingAt = start;
      break;
    }
    if (report.pickles.length >= limits.maxPickles) {
      report.error = `more than ${limits.maxPickles} pickles in a row; the rest, from byte ${start}, was not read`;
      break;
    }
    const stream: PickleStream = { offset: start, protocol: 0, imports: [], complete: false };
    report.pickles.push(stream);
    try {
      await readOne(r, stream, limits);
      stream.complete = true;
    } catch (e) {
      if (!(e instanceof ArtifactFormatError || e instanceof ArtifactLimitError)) throw e;
      // Bytes after a complete pickle that fail at once are data, not a pickle (torch's storages follow its pickles).
      if (report.pickles.length > 1 && stream.imports.length === 0 && e instanceof ArtifactFormatError) {
        report.pickles.pop();
        report.trailingAt = start;
        break;
      }
      report.error = e instanceof ArtifactFormatError ? `pickle at byte ${start}: ${e.message} at byte ${e.offset}` : e.message;
      break;
    }
  }
  return report;
}

function toName(v: Value): string | undefined {
  return typeof v === "string" ? v : undefined;
}

const primitive = (v: Value) => typeof v === "string" || typeof v === "number" || v === OTHER || v instanceof Glob;

/** Small values are remembered in the memo; others become "other" there (bounded memory whatever the pickle holds). */
function memoable(v: Value): Value {
  if (primitive(v)) return v;
  if (v instanceof Tuple) return v.items.every(primitive) ? v : OTHER;
  // a numpy.dtype("f8") and the like, which joblib's array wrappers share through the memo
  if (v instanceof Obj)
    return v.cls instanceof Glob && (primitive(v.args) || (v.args instanceof Tuple && v.args.items.every(primitive))) ? v : OTHER;
  return OTHER;
}

function pythonString(quoted: string): string | undefined {
  // STRING's argument is repr() of a str: quotes around, backslash escapes inside.
  const m = /^(['"])(.*)\1$/s.exec(quoted);
  if (!m) return undefined;
  return m[2]!.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/gs, (_, e: string) => {
    if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' } as Record<string, string>)[e] ?? `\\${e}`;
  });
}

function rawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u?: string, U?: string) =>
    String.fromCodePoint(parseInt((u ?? U)!, 16)),
  );
}

async function readOne(r: ByteReader, stream: PickleStream, limits: PickleLimits): Promise<void> {
  const stack: Entry[] = [];
  const memo = new Map<number, Value>();
  const fail = (message: string, at = r.offset): never => {
    throw new ArtifactFormatError(message, at);
  };
  const push = (v: Value | typeof MARK) => {
    if (stack.length >= limits.maxStack)
      throw new ArtifactLimitError(
        `the pickle at byte ${stream.offset} grows its stack past ${limits.maxStack} entries (an opcode flood); the rest was not read`,
      );
    stack.push(v);
  };
  const pop = (): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) fail("stack underflow");
    return v as Value;
  };
  const popMark = (): Value[] => {
    const at = stack.lastIndexOf(MARK);
    if (at === -1) fail("no MARK to pop to");
    const items = stack.splice(at) as Value[];
    items.shift();
    return items;
  };
  const top = (): Value => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail("stack underflow");
    return v as Value;
  };
  // The memo's size counts every key: MEMOIZE stores at len(memo). Only values that can matter are kept.
  let memoKeys = 0;
  let memoOverflow = false;
  const memoKeySeen = new Set<number>();
  const put = (key: number) => {
    if (!memoKeySeen.has(key)) {
      memoKeys++;
      if (memoKeySeen.size >= limits.maxMemo) {
        memoOverflow = true;
        return;
      }
      memoKeySeen.add(key);
    }
    const v = memoable(top());
    if (v === OTHER) memo.delete(key);
    else memo.set(key, v);
  };
  const get = (key: number) => {
    if (!memoOverflow && !memoKeySeen.has(key)) fail(`memo key ${key} was never stored`);
    push(memo.get(key) ?? OTHER);
  };
  const addImport = (module: string, name: string, opcode: PickleImport["opcode"], offset: number, computed = false) => {
    stream.imports.push({ module, name, opcode, offset, ...(computed ? { computed: true as const } : {}) });
  };
  const need = async (n: number) => {
    if (r.available < n && !(await r.ensure(n))) fail("truncated");
  };
  const nameLine = async (what: string): Promise<string> => {
    const l = await r.line(MAX_NAME);
    if (l === null) fail("truncated");
    if (l === LONG_LINE || !DOTTED.test(l as string)) fail(`${what} is not a Python name`);
    return l as string;
  };
  const textLine = async (): Promise<string | undefined> => {
    const l = await r.line(MAX_NAME);
    if (l === null) fail("truncated");
    return l === LONG_LINE ? undefined : (l as string);
  };
  const intLine = async (): Promise<number> => {
    const l = await r.line(64);
    if (l === null) fail("truncated");
    const n = l === LONG_LINE ? NaN : Number((l as string).trim().replace(/L$/, ""));
    if (!Number.isSafeInteger(n)) fail("a memo key that is not a number");
    return n;
  };
  /** A length-prefixed value (LENGTH_PREFIXED): a str kept when short, else skipped. */
  const counted = async (op: number) => {
    const { width, signed, str } = LENGTH_PREFIXED.get(op)!;
    await need(width);
    const at = r.pos;
    r.pos += width;
    const len = width === 8 ? readU64LE(r.buf, at) : signed ? r.buf.readIntLE(at, width) : r.buf.readUIntLE(at, width);
    if (len < 0) fail("negative length");
    if (str && len <= MAX_NAME) {
      await need(len);
      push(r.take(len).toString(str));
    } else {
      if (!(await r.skip(len))) fail("truncated");
      push(OTHER);
    }
  };
  /**
   * The memo key a PUT, GET or MEMOIZE opcode names: PUT and GET write it as a decimal line, BINPUT and BINGET as
   * one byte, the LONG_ forms as four. A promise only when the bytes are still to be read in, as these are among
   * the commonest opcodes.
   */
  const memoKey = (op: number): number | Promise<number> => {
    if (op === 0x94) return memoKeys; // MEMOIZE: the next key, len(memo)
    if (op === 0x70 || op === 0x67) return intLine();
    const width = op === 0x71 || op === 0x68 ? 1 : 4;
    if (r.available < width) return need(width).then(() => memoKey(op));
    return width === 1 ? r.buf[r.pos++]! : r.buf.readUInt32LE((r.pos += 4) - 4);
  };
  const smallInt = (bytes: Buffer): Value => {
    if (bytes.length > 6) return OTHER;
    return bytes.length === 0 ? 0 : bytes.readIntLE(0, bytes.length);
  };

  for (;;) {
    if (r.available < 9) await r.ensure(9);
    if (r.available === 0) fail("truncated: no STOP");
    const at = r.offset;
    const op = r.buf[r.pos++]!;
    switch (op) {
      case 0x2e: // STOP
        return;
      case 0x80: // PROTO
        await need(1);
        stream.protocol = r.buf[r.pos++]!;
        if (stream.protocol > 5) fail(`unsupported protocol ${stream.protocol}`, at);
        break;
      case 0x95: // FRAME: a length hint only
        await need(8);
        r.pos += 8;
        break;
      case 0x28: // MARK
        push(MARK);
        break;
      case 0x30: // POP: a value, or a MARK when nothing is above it
        if (stack.pop() === undefined) fail("stack underflow", at);
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      // strings and bytes
      case 0x8c: // SHORT_BINUNICODE
      case 0x58: // BINUNICODE
      case 0x8d: // BINUNICODE8
      case 0x55: // SHORT_BINSTRING
      case 0x54: // BINSTRING
      case 0x43: // SHORT_BINBYTES
      case 0x42: // BINBYTES
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        await counted(op);
        break;
      case 0x53: {
        // STRING
        const l = await textLine();
        push((l === undefined ? undefined : pythonString(l)) ?? OTHER);
        break;
      }
      case 0x56: {
        // UNICODE
        const l = await textLine();
        push(l === undefined ? OTHER : rawUnicodeEscape(l));
        break;
      }
      // numbers and constants
      case 0x4b: // BININT1
        await need(1);
        push(r.buf[r.pos++]!);
        break;
      case 0x4d: // BININT2
        await need(2);
        push(r.buf.readUInt16LE((r.pos += 2) - 2));
        break;
      case 0x4a: // BININT
        await need(4);
        push(r.buf.readInt32LE((r.pos += 4) - 4));
        break;
      case 0x49: // INT (also True/False as I01/I00)
      case 0x4c: {
        // LONG
        const l = await textLine();
        const n = l === undefined ? NaN : Number(l.replace(/L$/, ""));
        push(Number.isSafeInteger(n) ? n : OTHER);
        break;
      }
      case 0x8a: {
        // LONG1
        await need(1);
        const n = r.buf[r.pos++]!;
        await need(n);
        push(smallInt(r.take(n)));
        break;
      }
      case 0x8b: {
        // LONG4
        await need(4);
        const n = r.buf.readInt32LE((r.pos += 4) - 4);
        if (n < 0) fail("negative length", at);
        if (n <= 8) {
          await need(n);
          push(smallInt(r.take(n)));
        } else {
          if (!(await r.skip(n))) fail("truncated");
          push(OTHER);
        }
        break;
      }
      case 0x46: // FLOAT
        if ((await textLine()) === undefined) fail("a float line too long", at);
        push(OTHER);
        break;
      case 0x47: // BINFLOAT
        await need(8);
        r.pos += 8;
        push(OTHER);
        break;
      case 0x4e: // NONE
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
      case 0x8f: // EMPTY_SET
      case 0x97: // NEXT_BUFFER
        push(OTHER);
        break;
      case 0x98: // READONLY_BUFFER
        top();
        break;
      // containers
      case 0x29: // EMPTY_TUPLE
        push(new Tuple([]));
        break;
      case 0x5d: // EMPTY_LIST
        push(OTHER);
        break;
      case 0x7d: // EMPTY_DICT
        push(new Dict());
        break;
      case 0x74: {
        // TUPLE
        const items = popMark();
        push(items.length <= MAX_TUPLE ? new Tuple(items) : OTHER);
        break;
      }
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84;
        const items: Value[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        push(new Tuple(items));
        break;
      }
      case 0x6c: // LIST
      case 0x91: // FROZENSET
        popMark();
        push(OTHER);
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new Dict();
        for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i]!, items[i + 1]!);
        push(d);
        break;
      }
      case 0x61: // APPEND
        pop();
        top();
        break;
      case 0x65: // APPENDS
      case 0x90: // ADDITEMS
        popMark();
        top();
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        const d = top();
        if (d instanceof Dict) setItem(d, k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const d = top();
        if (d instanceof Dict) for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i]!, items[i + 1]!);
        break;
      }
      // imports and calls
      case 0x63: {
        // GLOBAL
        const module = await nameLine("GLOBAL's module");
        const name = await nameLine("GLOBAL's name");
        addImport(module, name, "GLOBAL", at);
        push(new Glob(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const nameV = pop();
        const moduleV = pop();
        const module = toName(moduleV);
        const name = toName(nameV);
        if (module !== undefined && name !== undefined && DOTTED.test(module) && DOTTED.test(name))
          addImport(module, name, "STACK_GLOBAL", at);
        else addImport(module ?? "?", name ?? "?", "STACK_GLOBAL", at, true);
        push(new Glob(module ?? "?", name ?? "?"));
        break;
      }
      case 0x69: {
        // INST
        const module = await nameLine("INST's module");
        const name = await nameLine("INST's name");
        addImport(module, name, "INST", at);
        const args = popMark();
        push(new Obj(new Glob(module, name), args.length <= MAX_TUPLE ? new Tuple(args) : OTHER));
        break;
      }
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: {
        // EXT4: copyreg's extension registry names the import; nothing in the pickle does
        const n = op === 0x82 ? 1 : op === 0x83 ? 2 : 4;
        await need(n);
        const code = r.buf.readUIntLE(r.pos, n);
        r.pos += n;
        addImport("copyreg", `extension ${code}`, (["EXT1", "EXT2", "", "EXT4"] as const)[n - 1] as PickleImport["opcode"], at, true);
        push(OTHER);
        break;
      }
      case 0x6f: {
        // OBJ
        const items = popMark();
        if (items.length === 0) fail("OBJ without a class", at);
        push(new Obj(items[0]!, items.length - 1 <= MAX_TUPLE ? new Tuple(items.slice(1)) : OTHER));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        push(new Obj(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        push(new Obj(pop(), args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        pop();
        const args = pop();
        push(new Obj(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = top();
        if (obj instanceof Obj) {
          obj.state = state;
          if (isJoblibArray(obj)) await skipJoblibArray(r, obj, stream, limits, at);
        }
        break;
      }
      case 0x50: // PERSID
        if ((await r.line(MAX_NAME)) === null) fail("truncated");
        push(OTHER);
        break;
      case 0x51: // BINPERSID
        pop();
        push(OTHER);
        break;
      // memo
      case 0x94: // MEMOIZE
      case 0x70: // PUT
      case 0x71: // BINPUT
      case 0x72: // LONG_BINPUT
        put(await memoKey(op));
        break;
      case 0x67: // GET
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
        get(await memoKey(op));
        break;
      default:
        fail(`invalid opcode 0x${op.toString(16).padStart(2, "0")}`, at);
    }
  }
}

function setItem(d: Dict, k: Value, v: Value) {
  if (typeof k === "string" && d.items.size < MAX_DICT) d.items.set(k, v);
}

/**
 * joblib writes a NumPy array's bytes straight into the file after the BUILD of its NumpyArrayWrapper (and reads
 * them back at that BUILD), so the opcodes resume only after them: skip them, or read the pickle an object array is.
 */
function isJoblibArray(obj: Obj): boolean {
  return (
    obj.cls instanceof Glob &&
    obj.cls.name === "NumpyArrayWrapper" &&
    /(^|\.)numpy_pickle$/.test(obj.cls.module) &&
    obj.state instanceof Dict
  );
}

async function skipJoblibArray(r: ByteReader, obj: Obj, stream: PickleStream, limits: PickleLimits, at: number): Promise<void> {
  const state = (obj.state as Dict).items;
  const unknown = (why: string): never => {
    throw new ArtifactFormatError(`a joblib array whose data cannot be skipped (${why})`, at);
  };
  const itemsize = dtypeItemsize(state.get("dtype"));
  if (itemsize === undefined) unknown("its dtype is not one this reader knows");
  const alignment = state.get("numpy_array_alignment_bytes");
  if (typeof alignment === "number") {
    if (r.available < 1 && !(await r.ensure(1))) unknown("truncated");
    const padding = r.buf[r.pos++]!;
    if (!(await r.skip(padding))) unknown("truncated");
  }
  if (itemsize === "object") {
    // An object array is a whole pickle of its own, read (and its imports counted) as part of this one.
    const inner: PickleStream = { offset: r.offset, protocol: 0, imports: [], complete: false };
    await readOne(r, inner, limits);
    stream.imports.push(...inner.imports);
    return;
  }
  const shape = state.get("shape");
  if (!(shape instanceof Tuple) || !shape.items.every((n) => typeof n === "number" && n >= 0))
    unknown("its shape is not a tuple of integers");
  const count = (shape as Tuple).items.reduce<number>((a, b) => a * (b as number), 1);
  if (!(await r.skip(count * (itemsize as number)))) unknown("truncated");
}

/** Bytes per element of a pickled numpy.dtype("f8") (or "object"), from its type string or its pickled state. */
function dtypeItemsize(v: Value | undefined): number | "object" | undefined {
  if (!(v instanceof Obj) || !(v.cls instanceof Glob) || v.cls.name !== "dtype" || !(v.args instanceof Tuple)) return undefined;
  const spec = v.args.items[0];
  if (typeof spec !== "string") return undefined;
  const m = /^[<>|=]?([?bBhHiIlLqQpPefdgFDGSUVOaMmuc])(\d*)(?:\[[a-z]+\])?$/.exec(spec);
  if (!m) return undefined;
  const [, kind, digits] = m;
  if (kind === "O") return "object";
  // numpy pickles dtype state as (version, byteorder, subarray, names, fields, elsize, alignment, flags)
  const elsize =
    v.state instanceof Tuple && typeof v.state.items[5] === "number" && (v.state.items[5] as number) > 0
      ? (v.state.items[5] as number)
      : undefined;
  if (digits) return kind === "U" ? Number(digits) * 4 : Number(digits);
  if (elsize) return elsize;
  const fixed: Record<string, number> = {
    "?": 1,
    b: 1,
    B: 1,
    h: 2,
    H: 2,
    i: 4,
    I: 4,
    l: 8,
    L: 8,
    q: 8,
    Q: 8,
    p: 8,
    P: 8,
    e: 2,
    f: 4,
    d: 8,
    g: 16,
    F: 8,
    D: 16,
    G: 32,
    M: 8,
    m: 8,
  };
  return fixed[kind!];
}
