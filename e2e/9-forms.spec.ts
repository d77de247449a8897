import { register, waitForScan } from "./support/api.ts";
import { expect, signIn, test } from "./support/fixtures.ts";
import { namedRepo } from "./support/repos.ts";

test("settings: a refused cron expression stays in the field, named as the page labels it; next runs follow the typing", async ({
  page,
}) => {
  await signIn(page, "admin", "/settings");
  const cron = page.getByLabel("Cron schedule");
  const hint = page.locator("p[aria-live=polite]").filter({ hasText: /Next runs|Cron schedule|schedule is off/ });
  await page.getByLabel("Rescan every repository on a schedule").check();

  await cron.fill("61 2 * * *");
  // Checked in the browser with the server's parser, before anything is sent.
  await expect(hint).toContainText("Cron schedule: not a valid cron expression");
  await page.getByRole("button", { name: "Save settings" }).click();
  const alert = page.locator("form").getByRole("alert");
  await expect(alert).toContainText("Cron schedule: not a valid cron expression");
  await expect(alert).not.toContainText("scheduleCron");
  await expect(cron).toHaveValue("61 2 * * *");
  await expect(cron).toHaveAttribute("aria-invalid", "true");

  await cron.fill("15 3 * * 1");
  await page.getByLabel("Time zone").fill("UTC");
  await expect(hint).toContainText("Next runs:");
  await expect(hint).toContainText("03:15");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Cron schedule")).toHaveValue("15 3 * * 1");
});

test("bulk registration keeps the refused lines with their reasons and drops the registered ones", async ({ page, state, request }) => {
  const existing = namedRepo(state.workDir, "forms-existing");
  const { scanId } = await register(request, existing.dir, "forms");
  await waitForScan(request, scanId);
  const fresh = namedRepo(state.workDir, "forms-fresh");

  await signIn(page, "lead", "/repositories");
  const details = page.locator("details.register");
  if (!(await details.getAttribute("open"))) await details.locator("summary").click();
  await page.getByRole("button", { name: "Many (one URL a line)" }).click();
  const form = page.locator("form.register-form");
  await form.getByLabel(/Git URLs/).fill([fresh.dir, "not a url at all", existing.dir].join("\n"));
  await form.getByLabel("Team").fill("forms");
  await form.getByRole("button", { name: "Register all" }).click();

  await expect(form.getByRole("status")).toContainText("1 registered, 2 refused");
  await expect(form.getByLabel(/Git URLs/)).toHaveValue(["not a url at all", existing.dir].join("\n"));
  const reasons = form.locator(".refused-lines tbody tr");
  await expect(reasons).toHaveCount(2);
  await expect(reasons.nth(1)).toContainText("already registered");
  await expect(form.getByRole("status").getByRole("link")).toHaveText(fresh.dir);
});

test("a page past the end shows the last page", async ({ page }) => {
  await signIn(page, "viewer", "/findings?page=99");
  await expect(page).toHaveURL((u) => !u.searchParams.has("page") || Number(u.searchParams.get("page")) < 99);
  await expect(page.getByRole("status").filter({ hasText: "finding" })).toContainText(/showing \d/);
  await expect(page.locator("table tbody tr").first()).toBeVisible();

  await page.goto("/repositories?page=99");
  await expect(page).toHaveURL((u) => !u.searchParams.has("page"));
  await expect(page.locator("table.repo-table tbody tr").first()).toBeVisible();
});
