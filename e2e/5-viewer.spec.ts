import { join } from "node:path";
import { findings, register, triage, waitForScan } from "./support/api.ts";
import { expect, signIn, test } from "./support/fixtures.ts";
import { inferenceRepo } from "./support/repos.ts";

test("viewer: no triage controls anywhere, and the server refuses a triage even with a write token", async ({ page, state, request }) => {
  // Findings of its own, so the scenario means the same whether it runs alone or after the others.
  const { repositoryId, scanId } = await register(request, inferenceRepo(join(state.workDir, "viewer")).dir, "viewer-scenario");
  await waitForScan(request, scanId);
  const [any] = await findings(request, `repository=${repositoryId}&limit=1`);
  expect(any).toBeDefined();
  await signIn(page, "viewer");
  await page.goto(`/findings?status=all&repository=${repositoryId}`);
  await expect(page.locator("table tbody tr").first()).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /^Select/ })).toHaveCount(0);
  await expect(page.locator(".bulk")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Apply to/ })).toHaveCount(0);
  await page.goto(`/findings/${any!.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("select[name=status]")).toHaveCount(0);
  await expect(page.locator("textarea[name=comment]")).toHaveCount(0);
  await page.goto("/repositories");
  await expect(page.getByRole("button", { name: /Register|Scan now|Rescan all|Archive/ })).toHaveCount(0);

  const r = await triage(request, any!.id, { status: "in_progress" }, "viewer");
  expect(r.status()).toBe(403);
  expect(((await r.json()) as { error: { code: string } }).error.code).toBe("forbidden");
});
