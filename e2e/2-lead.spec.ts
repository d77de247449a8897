import { waitForScan } from "./support/api.ts";
import { expect, signIn, snap, test } from "./support/fixtures.ts";
import { inferenceRepo } from "./support/repos.ts";

test("security lead: sees the overview and heatmap, registers a repository, watches its scan finish, and drills from a heatmap cell into its findings", async ({
  page,
  state,
  request,
}) => {
  const repo = inferenceRepo(state.workDir);
  await signIn(page, "lead");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await page.goto("/heatmap");
  await expect(page.getByRole("heading", { level: 1, name: "Heatmap" })).toBeVisible();

  await page.goto("/repositories");
  const register = page.locator("details.register");
  if (!(await register.getAttribute("open"))) await register.locator("summary").click();
  const form = page.locator("form.register-form").first();
  await form.getByLabel("Git URL").fill(repo.dir);
  await form.getByLabel("Team").fill("ml-platform");
  await form.getByRole("button", { name: "Register", exact: true }).click();
  await expect(form.getByRole("status")).toContainText("Registered");
  const link = form.getByRole("status").getByRole("link");
  const href = await link.getAttribute("href");
  const repositoryId = href!.split("/").pop()!;

  // The scan runs in the real worker; the page polls its progress until it is done.
  const scan = (await (
    await request.get(`/api/v1/repositories/${repositoryId}/scans`, { headers: { authorization: `Bearer ${state.users.lead.token}` } })
  ).json()) as { scans: { id: string }[] };
  await waitForScan(request, scan.scans[0]!.id);
  await link.click();
  await expect(page.getByText("succeeded").first()).toBeVisible();
  await snap(page, "repository-detail");

  await page.goto("/heatmap?columns=repositories");
  const cell = page.locator(`a[href*="repository=${repositoryId}"]`).first();
  await expect(cell).toBeVisible();
  await snap(page, "heatmap");
  await cell.click();
  await expect(page).toHaveURL(new RegExp(`/findings\\?.*repository=${repositoryId}`));
  await expect(page).toHaveURL(/policy=/);
  await expect(page.locator("table tbody tr").first()).toContainText("cleanup.py");
  await snap(page, "findings");

  for (const [path, name] of [
    ["/", "overview"],
    ["/remediation", "remediation"],
    ["/repositories", "repositories"],
    ["/rules", "rules"],
  ] as const) {
    await page.goto(path);
    await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
    await snap(page, name);
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto("/");
  await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
  await snap(page, "overview-1920");
});
