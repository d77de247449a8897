import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Page } from "@playwright/test";
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

test.describe("live scan progress", () => {
  let q: ReturnType<typeof scanQueue>;
  test.beforeEach(({ state }) => {
    q = scanQueue(state);
  });
  test.afterEach(async () => {
    await q.close();
  });

  test("“Scan now” on the repositories list: the row goes from queued to its result without a reload", async ({ page, state, request }) => {
    const repo = namedRepo(state.workDir, "live-list");
    const { scanId } = await register(request, repo.dir, "live-progress");
    await waitForScan(request, scanId);

    await signIn(page, "lead", "/repositories?q=live-list");
    const r = row(page, "live-list");
    await expect(r.locator("[data-live-status]")).toHaveAttribute("data-live-status", "succeeded");
    await markPage(page);

    await q.queue.pause();
    await r.getByRole("button", { name: "Scan now: live-list" }).click();
    await expect(r.locator("[data-live-status]")).toHaveAttribute("data-live-status", "queued");
    await expect(r).toContainText("queued");
    await expect(page.getByRole("region", { name: "Scans in progress" })).toContainText("live-list");

    await q.queue.resume();
    // Same commit, same rulebook: the worker ends it unchanged without cloning.
    await expect(r.locator("[data-live-status]")).toHaveAttribute("data-live-status", "unchanged");
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
    await expect(last.locator("[data-live-status]")).toHaveAttribute("data-live-status", "succeeded");
    await markPage(page);

    await q.queue.pause();
    await page.getByRole("button", { name: "Scan now: live-detail" }).click();
    await expect(last.locator("[data-live-status]")).toHaveAttribute("data-live-status", "queued");
    const history = page.getByRole("region", { name: /Scan history/ });
    await expect(history.locator("tbody tr").first()).toContainText("queued");

    await q.queue.resume();
    await expect(last.locator("[data-live-status]")).toHaveAttribute("data-live-status", "succeeded", { timeout: 60_000 });
    await expect(history.locator("tbody tr").first()).toContainText("succeeded");
    await expect(history.locator("tbody tr").first()).toContainText("manual");
    await expectNotReloaded(page);
  });

  test("“Rescan all”: rows go from queued to their results without a reload", async ({ page, state, request }) => {
    const repo = namedRepo(state.workDir, "live-all");
    const { scanId } = await register(request, repo.dir, "live-progress");
    await waitForScan(request, scanId);

    await signIn(page, "lead", "/repositories?q=live-all");
    const r = row(page, "live-all");
    await expect(r.locator("[data-live-status]")).toHaveAttribute("data-live-status", "succeeded");
    await markPage(page);

    await q.queue.pause();
    await page.getByRole("button", { name: "Rescan all" }).click();
    await expect(page.getByRole("status").filter({ hasText: "rescan of" })).toBeVisible();
    // The worker fans the rescan out on its own queue (not paused): the row's scan appears, queued.
    await expect(r.locator("[data-live-status]")).toHaveAttribute("data-live-status", "queued");
    await expect(page.getByRole("region", { name: "Scans in progress" })).toBeVisible();

    await q.queue.resume();
    await expect(r.locator("[data-live-status]")).toHaveAttribute("data-live-status", "unchanged", { timeout: 90_000 });
    await expect(page.getByText("No scans running.")).toBeVisible({ timeout: 90_000 });
    await expectNotReloaded(page);
  });
});
