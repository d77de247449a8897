import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { register, waitForScan } from "./support/api.ts";
import { expect, signIn, test } from "./support/fixtures.ts";
import { namedRepo } from "./support/repos.ts";
import type { StackState } from "./support/stack.ts";

/**
 * A scan requested from the page shows as queued and then as its result, on the same page, without a reload.
 * The real worker would finish an unchanged scan before the page could look, so the scan queue is paused
 * while the request is made (the scan then really waits as "queued") and resumed to let the worker run it.
 */
function scanQueue(state: StackState): { queue: Queue; close: () => Promise<void> } {
  const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const queue = new Queue("scans", { connection, prefix: state.queuePrefix });
  return {
    queue,
    close: async () => {
      await queue.resume().catch(() => undefined);
      await queue.close();
      connection.disconnect();
    },
  };
}

/** A value on `window` that a reload would lose. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __noReload: number }).__noReload = 1));
}
async function expectNotReloaded(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload)).toBe(1);
}

const row = (page: Page, name: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });

/** Waits for the live status `within` shows, as the page's script sets it, to be `status`. */
const expectLiveStatus = (within: Locator, status: string, opts?: { timeout: number }) =>
  expect(within.locator("[data-live-status]")).toHaveAttribute("data-live-status", status, opts);

/** A repository registered and scanned once, then the lead's repositories list showing its row as succeeded, marked. */
async function listedAfterFirstScan(page: Page, state: StackState, request: APIRequestContext, name: string): Promise<Locator> {
  const repo = namedRepo(state.workDir, name);
  const { scanId } = await register(request, repo.dir, "live-progress");
  await waitForScan(request, scanId);
  await signIn(page, "lead", `/repositories?q=${name}`);
  const r = row(page, name);
  await expectLiveStatus(r, "succeeded");
  await markPage(page);
  return r;
}

test.describe("live scan progress", () => {
  let q: ReturnType<typeof scanQueue>;
  test.beforeEach(({ state }) => {
    q = scanQueue(state);
  });
  test.afterEach(async () => {
    await q.close();
  });

  test("“Scan now” on the repositories list: the row goes from queued to its result without a reload", async ({ page, state, request }) => {
    const r = await listedAfterFirstScan(page, state, request, "live-list");

    await q.queue.pause();
    await r.getByRole("button", { name: "Scan now: live-list" }).click();
    await expectLiveStatus(r, "queued");
    await expect(r).toContainText("queued");
    await expect(page.getByRole("region", { name: "Scans in progress" })).toContainText("live-list");

    await q.queue.resume();
    // Same commit, same rulebook: the worker ends it unchanged without cloning.
    await expectLiveStatus(r, "unchanged");
    await expect(r).toContainText("unchanged");
    await expect(page.getByText("No scans running.")).toBeVisible();
    await expectNotReloaded(page);
  });

  test("“Scan now” on a repository's page: last scan and history go from queued to the result without a reload", async ({
    page,
    state,
    request,
  }) => {
    const repo = namedRepo(state.workDir, "live-detail");
    const { repositoryId, scanId } = await register(request, repo.dir, "live-progress");
    await waitForScan(request, scanId);
    // A new commit: this scan really runs (cloning, scanning, saving) and succeeds.
    repo.write("jobs/extra.py", "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n").commit("another job");

    await signIn(page, "lead", `/repositories/${repositoryId}`);
    const last = page.getByRole("region", { name: "Last scan" });
    await expectLiveStatus(last, "succeeded");
    await markPage(page);

    await q.queue.pause();
    await page.getByRole("button", { name: "Scan now: live-detail" }).click();
    await expectLiveStatus(last, "queued");
    const history = page.getByRole("region", { name: /Scan history/ });
    await expect(history.locator("tbody tr").first()).toContainText("queued");

    await q.queue.resume();
    await expectLiveStatus(last, "succeeded", { timeout: 60_000 });
    await expect(history.locator("tbody tr").first()).toContainText("succeeded");
    await expect(history.locator("tbody tr").first()).toContainText("manual");
    await expectNotReloaded(page);
  });

  test("“Rescan all”: rows go from queued to their results without a reload", async ({ page, state, request }) => {
    const r = await listedAfterFirstScan(page, state, request, "live-all");

    await q.queue.pause();
    await page.getByRole("button", { name: "Rescan all" }).click();
    await expect(page.getByRole("status").filter({ hasText: "rescan of" })).toBeVisible();
    // The worker fans the rescan out on its own queue (not paused): the row's scan appears, queued.
    await expectLiveStatus(r, "queued");
    await expect(page.getByRole("region", { name: "Scans in progress" })).toBeVisible();

    await q.queue.resume();
    await expectLiveStatus(r, "unchanged", { timeout: 90_000 });
    await expect(page.getByText("No scans running.")).toBeVisible({ timeout: 90_000 });
    await expectNotReloaded(page);
  });
});
