/**
 * Zip archives (torch checkpoints, TorchServe .mar, .npz, .keras) through yauzl: it reads the central directory,
 * streams one entry at a time and fails an entry that inflates past the size its header declares, which is what
 * the zip-bomb limits (ratio, total) rest on. An archive inside an archive is read in place when stored, so
 * nothing is copied; a compressed one is inflated to a temporary file first (within the same read budget).
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import yauzl from "yauzl";

/** Random access to bytes: a file, a stored entry of an archive in a file, and so on down. */
export interface RandomSource {
  size: number;
  stream(start: number, end: number): Readable;
}

export function fileSource(fd: FileHandle, size: number): RandomSource {
  return { size, stream: (start, end) => rangeStream(fd, start, Math.min(end, size)) };
}

const CHUNK = 256 * 1024;

/**
 * Bytes [start, end) of an open file. Not fs streams: destroying one of those closes the descriptor even with
 * autoClose off (Node 20), and an archive's reader destroys the streams of entries it has read enough of.
 */
function rangeStream(fd: FileHandle, start: number, end: number): Readable {
  let pos = start;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (pos >= end) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, end - pos);
      fd.read(Buffer.allocUnsafe(n), 0, n, pos).then(
        ({ bytesRead, buffer }) => {
          if (bytesRead === 0) return void this.push(null);
          pos += bytesRead;
          this.push(bytesRead < n ? buffer.subarray(0, bytesRead) : buffer);
        },
        (e: Error) => this.destroy(e),
      );
    },
  });
}

export function sliceSource(parent: RandomSource, offset: number, size: number): RandomSource {
  return { size, stream: (start, end) => parent.stream(offset + start, offset + Math.min(end, size)) };
}

class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: RandomSource) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return this.source.stream(start, end);
  }
}

export async function openZip(source: RandomSource): Promise<yauzl.ZipFile> {
  return yauzl.fromRandomAccessReaderPromise(new SourceReader(source), source.size, {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: true,
    validateEntrySizes: true,
    strictFileNames: false,
  });
}

export const ZIP_MAGIC = [Buffer.from("PK\x03\x04", "latin1"), Buffer.from("PK\x05\x06", "latin1")];

export function isZip(head: Buffer): boolean {
  return ZIP_MAGIC.some((m) => head.subarray(0, 4).equals(m));
}

/**
 * Copies a stream into a temporary file and hands its source to `use`; the file is removed afterwards whatever
 * happens. `head` is what was already read from the stream.
 */
export async function withTemporaryCopy<T>(
  head: Buffer,
  rest: AsyncIterable<Buffer>,
  use: (source: RandomSource) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "posture-artifact-"));
  try {
    const path = join(dir, "entry");
    await pipeline(
      (async function* () {
        yield head;
        yield* rest;
      })(),
      createWriteStream(path),
    );
    const fd = await open(path, "r");
    try {
      return await use(fileSource(fd, (await fd.stat()).size));
    } finally {
      await fd.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
