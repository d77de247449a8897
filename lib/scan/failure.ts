/**
 * Why a scan failed, in a few reasons a person can act on, and whether retrying can help; and the engine's
 * deadline, which cannot interrupt native matching mid-file.
 */
import { ScanRootError } from "../engine/scan.ts";
import { GitError } from "../git/git.ts";

/** The scan cannot succeed by retrying; it has been marked failed. */
export class PermanentScanError extends Error {}

export class ScanTimeoutError extends Error {}

/**
 * The engine cannot be interrupted mid-file (its matching runs on native threads), so at the deadline the scan
 * is failed and its checkout removed at once; the abandoned engine run finishes on its own and its result is
 * dropped. Retrying would only time out again, so the failure is final.
 */
export function withinScanTimeout<T>(ms: number, work: Promise<T>): Promise<T> {
  return withinDeadline(ms, work, (message) => new ScanTimeoutError(message));
}

/** `work`, or, once `ms` have passed, a rejection with `timedOut`'s error; the work is left to finish on its own. */
export async function withinDeadline<T>(ms: number, work: Promise<T>, timedOut: (message: string) => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  try {
    return await Promise.race([
      work,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(timedOut(`the scan did not finish within ${Math.round(ms / 1000)} s`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function describeFailure(e: unknown): { code: string; reason: string; permanent: boolean } {
  if (e instanceof GitError) return { code: e.code, reason: e.message, permanent: e.permanent };
  if (e instanceof ScanRootError) return { code: "unreadable_checkout", reason: "the checkout could not be read", permanent: true };
  if (e instanceof ScanTimeoutError) return { code: "timeout", reason: e.message, permanent: true };
  if (e instanceof PermanentScanError) return { code: "permanent", reason: e.message, permanent: true };
  const msg = (e as Error)?.message ?? String(e);
  if (
    /ECONNREFUSED|ECONNRESET|terminating connection|Connection terminated|timeout|Can't reach database|P1001|P1017|P2024|57P01/i.test(msg)
  )
    return { code: "database_unavailable", reason: "the database was unavailable", permanent: false };
  return { code: "internal_error", reason: "an internal error stopped the scan", permanent: false };
}
