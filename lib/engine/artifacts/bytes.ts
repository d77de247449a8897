/**
 * Reading model artifacts a chunk at a time: a file or an archive entry can be gigabytes, so nothing here ever
 * holds more than one chunk plus the short value being decoded.
 */
import type { Readable } from "node:stream";

/** A limit was reached; `message` says which and where, for the scan's errors. */
export class ArtifactLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactLimitError";
  }
}

/** The input is not what its format says (truncated, invalid opcode, bad header). */
export class ArtifactFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "ArtifactFormatError";
  }
}

/** The read budget of a file or of the whole scan is spent. */
export class BudgetError extends ArtifactLimitError {}

/**
 * Bytes an artifact scan may still read, per file and per scan (a repository or a CLI directory). Counted after
 * decompression, so a zip bomb spends the budget however well it compresses.
 */
export class ReadBudget {
  fileUsed = 0;
  constructor(
    readonly perFile: number,
    private readonly scan: { remaining: number },
    readonly perScan: number,
  ) {}
  take(n: number) {
    this.fileUsed += n;
    this.scan.remaining -= n;
    if (this.fileUsed > this.perFile) throw new BudgetError(`read ${mib(this.perFile)} of it, the limit for one file (decompressed)`);
    if (this.scan.remaining < 0) throw new BudgetError(`the scan has read ${mib(this.perScan)} of model files, its limit`);
  }
}

export const mib = (n: number) =>
  n >= 1024 ** 3 && n % 1024 ** 3 === 0 ? `${n / 1024 ** 3} GiB` : `${Math.round((n / 1024 ** 2) * 10) / 10} MiB`;

/** Pulls chunks from a stream, charging each to the budget. */
export function chunksOf(stream: Readable, budget?: ReadBudget): () => Promise<Buffer | null> {
  const it = stream[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await it.next();
    if (done) return null;
    const chunk = typeof value === "string" ? Buffer.from(value) : (value as Buffer);
    budget?.take(chunk.length);
    return chunk;
  };
}

/** A line longer than the caller keeps: its text is dropped, its length known. */
export const LONG_LINE = Symbol("long line");

/**
 * A forward-only reader over chunks. Callers test `available` before touching `buf` and await `ensure` only when a
 * chunk boundary is near, so decoding stays synchronous between chunks.
 */
export class ByteReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  /** Absolute offset of buf[0]. */
  private base = 0;
  private ended = false;

  constructor(private readonly next: () => Promise<Buffer | null>) {}

  static of(bytes: Buffer): ByteReader {
    let given = false;
    return new ByteReader(async () => (given ? null : ((given = true), bytes)));
  }

  get offset(): number {
    return this.base + this.pos;
  }
  get available(): number {
    return this.buf.length - this.pos;
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const chunk = await this.next();
    if (!chunk) {
      this.ended = true;
      return false;
    }
    const rest = this.buf.length - this.pos;
    this.base += this.pos;
    this.buf = rest ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    return true;
  }

  /** Buffers at least n bytes (callers keep n small); false when the input ends first. */
  async ensure(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) if (!(await this.pull())) return false;
    return true;
  }

  /** Whether the input has ended with nothing left to read. */
  async atEnd(): Promise<boolean> {
    return !(await this.ensure(1));
  }

  /** Skips n bytes without keeping them; false when the input ends first. */
  async skip(n: number): Promise<boolean> {
    while (n > 0) {
      const here = Math.min(n, this.available);
      this.pos += here;
      n -= here;
      if (n > 0 && !(await this.pull())) return false;
    }
    return true;
  }

  /**
   * Reads up to and including the next "\n". Returns the line (without it) as latin1 text when at most `keep` bytes
   * long, LONG_LINE when longer (skipped, never buffered whole), null when the input ends first.
   */
  async line(keep: number): Promise<string | typeof LONG_LINE | null> {
    let length = 0;
    let kept: Buffer[] | null = [];
    for (;;) {
      const nl = this.buf.indexOf(10, this.pos);
      const end = nl === -1 ? this.buf.length : nl;
      length += end - this.pos;
      if (kept && length <= keep) kept.push(this.buf.subarray(this.pos, end));
      else kept = null;
      if (nl !== -1) {
        this.pos = nl + 1;
        return kept ? Buffer.concat(kept).toString("latin1") : LONG_LINE;
      }
      // keep what was copied: pull() replaces buf
      if (kept) kept = kept.map((b) => Buffer.from(b));
      this.pos = this.buf.length;
      if (!(await this.pull())) return null;
    }
  }

  /** What is left: the buffered bytes, then the rest of the input. */
  async *drain(): AsyncGenerator<Buffer> {
    if (this.available) yield Buffer.from(this.buf.subarray(this.pos));
    this.pos = this.buf.length;
    for (let c = await this.next(); c; c = await this.next()) yield c;
    this.ended = true;
  }

  /** Reads exactly n bytes that `ensure(n)` buffered. */
  take(n: number): Buffer {
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}
