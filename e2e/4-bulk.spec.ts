import { findings, register, rescan, waitForScan } from "./support/api.ts";
import { expect, signIn, test } from "./support/fixtures.ts";
import { triageRepo } from "./support/repos.ts";

test("bulk triage: findings marked false positive with a reason stay false positive after a rescan", async ({ page, state, request }) => {
  const repo = triageRepo(`${state.workDir}/bulk`);
  const { repositoryId, scanId } = await register(request, repo.dir, "search");
  await waitForScan(request, scanId);
  const before = await findings(request, `repository=${repositoryId}`);
  expect(before.length).toBeGreaterThanOrEqual(2);

  await signIn(page, "lead");
  await page.goto(`/findings?repository=${repositoryId}`);
  await page.getByLabel("Select all findings on this page").check();
  const bar = page.locator("form", { has: page.getByRole("button", { name: /^Apply to/ }) });
  await bar.getByLabel("Status").selectOption("false_positive");
  // The reason is required: the browser will not submit without it, and the server refuses it anyway.
  await bar.getByLabel(/Reason/).fill("Only ever called with a fixed path from our own config");
  await bar.getByRole("button", { name: /^Apply to/ }).click();
  // The changed rows leave the open-findings view; the bar says what happened.
  await expect(page.locator(".bulk").getByRole("status")).toContainText(`Updated ${before.length} findings`);

  repo.write("README.md", "unrelated change\n").commit("docs");
  await waitForScan(request, await rescan(request, repositoryId));
  const after = await findings(request, `repository=${repositoryId}&status=false_positive`);
  expect(after.map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
});
