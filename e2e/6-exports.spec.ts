import { readFileSync } from "node:fs";
import { join } from "node:path";
import { register, waitForScan } from "./support/api.ts";
import { expect, signIn, test } from "./support/fixtures.ts";
import { inferenceRepo } from "./support/repos.ts";

test("SARIF and CSV exports of the current filter download and parse", async ({ page, state, request }) => {
  // Findings of its own (high ones among them), so the exports do not depend on what earlier scenarios left.
  const { repositoryId, scanId } = await register(request, inferenceRepo(join(state.workDir, "exports")).dir, "exports-scenario");
  await waitForScan(request, scanId);
  await signIn(page, "lead");
  await page.goto(`/findings?status=all&severity=critical,high&repository=${repositoryId}`);
  const shown = await page.locator("table tbody tr").count();
  expect(shown).toBeGreaterThan(0);

  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /CSV/ }).click()]);
  const csv = readFileSync((await csvDownload.path())!, "utf8");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/severity/i);
  expect(lines.length - 1).toBeGreaterThanOrEqual(shown);
  expect(csv).not.toMatch(/(^|,)(medium|low)(,|$)/m);

  const [sarifDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /SARIF/ }).click()]);
  const sarif = JSON.parse(readFileSync((await sarifDownload.path())!, "utf8")) as {
    version: string;
    runs: { tool: { driver: { name: string } }; results: { ruleId: string; level: string }[] }[];
  };
  expect(sarif.version).toBe("2.1.0");
  expect(sarif.runs[0]!.results.length).toBe(lines.length - 1);
  expect(sarif.runs[0]!.results.every((r) => r.ruleId)).toBe(true);
});
