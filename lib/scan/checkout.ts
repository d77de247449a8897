/**
 * Where a scan's checkout lives, and the sweep of checkouts (and deploy-key folders) that a killed worker left.
 */
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEY_DIR_PREFIX } from "../git/git.ts";

/** Checkouts are named after the worker's pid, so a worker killed mid-scan leaves a folder the next one can claim. */
export const CHECKOUT_PREFIX = "posture-checkout-";

/**
 * Removes checkouts left by worker processes that no longer exist (kill -9, a crash, a power cut). Folders of
 * live processes, this one's included, are left alone: they may be scans in progress.
 */
export async function removeOrphanedCheckouts(workRoot = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(workRoot);
  } catch {
    return removed;
  }
  for (const name of names) {
    // A killed worker's deploy-key folder too (lib/git/git.ts): it holds a private key.
    const m = new RegExp(`^(?:${CHECKOUT_PREFIX}|${KEY_DIR_PREFIX})(\\d+)-`).exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    await rm(join(workRoot, name), { recursive: true, force: true }).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
