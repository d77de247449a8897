import { availableParallelism } from "node:os";
import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { compileChecks, type CompiledRulebook } from "./match.ts";
import type { Check } from "./rulebook.ts";
import { scanFile, type FileOutcome } from "./scan-file.ts";
import { SEVERITY_RANK, type ScanResult, type ScanStats } from "./types.ts";
import { walk, type WalkedFile } from "./walk.ts";

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILES = 100_000;

export interface ScanOptions {
  checks: readonly Check[];
  maxFileBytes?: number;
  maxFiles?: number;
  /** Worker threads to use; 0 scans on the calling thread. Defaults to one per core for large trees. */
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

export class ScanRootError extends Error {
  constructor(readonly root: string, detail: string) {
    super(`${root}: ${detail}`);
    this.name = "ScanRootError";
  }
}

/**
 * A worker thread costs ~0.7 s to start (TypeScript loader, parsers), about what scanning 2,000 typical
 * files takes on one thread, so smaller trees are scanned inline.
 */
const INLINE_MAX_FILES = 2000;
const INLINE_MAX_BYTES = 24 * 1024 * 1024;
const BATCH = 24;

function defaultThreads(files: WalkedFile[]): number {
  const bytes = files.reduce((n, f) => n + f.size, 0);
  if (files.length < INLINE_MAX_FILES && bytes < INLINE_MAX_BYTES) return 0;
  return Math.max(1, Math.min(availableParallelism(), 8));
}

async function runInWorkers(checks: readonly Check[], files: WalkedFile[], threads: number, onDone: (outcomes: FileOutcome[]) => void): Promise<void> {
  let next = 0;
  const url = new URL("./scan-worker.mjs", import.meta.url);
  const workers = Array.from({ length: threads }, () => new Worker(url, { workerData: { checks } }));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= files.length) return resolve();
              const batch = files.slice(next, next + BATCH);
              next += batch.length;
              w.postMessage(batch);
            };
            w.on("message", (msg: "ready" | FileOutcome[]) => {
              if (msg !== "ready") onDone(msg);
              feed();
            });
            w.once("error", reject);
            w.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`scan worker exited with code ${code}`))));
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Scans a directory tree. Throws ScanRootError only when the root itself cannot be scanned; every problem
 * below the root is reported in `errors` and the scan goes on.
 */
export async function scanDirectory(root: string, opts: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  try {
    if (!statSync(root).isDirectory()) throw new ScanRootError(root, "not a directory");
  } catch (e) {
    if (e instanceof ScanRootError) throw e;
    throw new ScanRootError(root, (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const compiled: CompiledRulebook = compileChecks(opts.checks);
  let walked;
  try {
    walked = walk(root, { maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, maxFiles: opts.maxFiles ?? DEFAULT_MAX_FILES, isTarget: compiled.isTarget });
  } catch (e) {
    throw new ScanRootError(root, `cannot list (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }

  const result: ScanResult = { findings: [], suppressed: [], errors: walked.errors, stats: { files: 0, bytes: 0, skipped: { ...walked.skipped }, suppressed: 0, durationMs: 0, rules: opts.checks.length } };
  const total = walked.files.length;
  let done = 0;
  const collect = (outcomes: FileOutcome[]) => {
    for (const o of outcomes) {
      if (o.kind === "scanned") {
        result.stats.files++;
        result.stats.bytes += o.bytes;
        result.findings.push(...o.findings);
        result.suppressed.push(...o.suppressed);
      } else if (o.kind === "skipped") {
        result.stats.skipped[o.reason] = (result.stats.skipped[o.reason] ?? 0) + 1;
      } else {
        result.errors.push(o.error);
      }
    }
    done += outcomes.length;
    opts.onProgress?.(done, total);
  };

  const threads = opts.threads ?? defaultThreads(walked.files);
  if (threads === 0) {
    for (let i = 0; i < total; i += BATCH) {
      collect(walked.files.slice(i, i + BATCH).map((f) => scanFile(compiled, f)));
      // Yield between batches so a host process (the queue worker renewing its job lock) stays responsive.
      await new Promise((r) => setImmediate(r));
    }
  } else {
    await runInWorkers(opts.checks, walked.files, threads, collect);
  }

  result.findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId)));
  result.suppressed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  result.errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  result.stats.suppressed = result.suppressed.length;
  result.stats.durationMs = Math.round(performance.now() - started);
  return result;
}

export function atOrAbove(severity: keyof typeof SEVERITY_RANK, threshold: keyof typeof SEVERITY_RANK): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

export type { ScanStats };
