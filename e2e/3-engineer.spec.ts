import { findings, register, rescan, triage, waitForScan } from "./support/api.ts";
import { expect, signIn, snap, test } from "./support/fixtures.ts";
import { fixTriageRepo, triageRepo } from "./support/repos.ts";

test("engineer: opens My findings, sets one in progress with a comment; the code is fixed, a rescan runs, and it shows fixed with its history", async ({
  page,
  state,
  request,
}) => {
  const repo = triageRepo(state.workDir);
  const { repositoryId, scanId } = await register(request, repo.dir, "vision");
  await waitForScan(request, scanId);
  const [target] = await findings(request, `repository=${repositoryId}&check=training-monitor.shell.os-system-interpolated`);
  expect(target).toBeDefined();
  expect((await triage(request, target!.id, { assigneeId: state.users.engineer.id })).status()).toBe(200);

  await signIn(page, "engineer");
  await page.goto("/my");
  const row = page.locator("table tbody tr", { hasText: "os-system-interpolated" }).first();
  await expect(row).toBeVisible();
  await snap(page, "my-findings");
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/findings/${target!.id}`));
  await expect(page.getByRole("region", { name: "Code around the match" })).toContainText('os.system(f"rm -rf {target_dir}")');

  const form = page.locator("form", { has: page.getByRole("button", { name: "Save" }) });
  await form.getByLabel("Status").selectOption("in_progress");
  await form.getByLabel(/Comment/).fill("Replacing the shell call with shutil.rmtree");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toContainText("Updated 1 finding");
  await page.reload();
  await expect(page.getByText("Replacing the shell call with shutil.rmtree").first()).toBeVisible();

  fixTriageRepo(repo);
  await waitForScan(request, await rescan(request, repositoryId));
  await page.reload();
  await expect(page.locator(".badge", { hasText: "Fixed" }).first()).toBeVisible();
  const timeline = await page.locator("body").innerText();
  for (const word of ["detected", "assigned", "In progress", "fixed"]) expect(timeline.toLowerCase()).toContain(word.toLowerCase());
  await snap(page, "finding-detail-fixed");
});
