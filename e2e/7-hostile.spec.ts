import { findings, register, waitForScan } from "./support/api.ts";
import { expect, signIn, snap, test } from "./support/fixtures.ts";
import { HOSTILE_FILE, HOSTILE_SNIPPET, hostileRepo } from "./support/repos.ts";

test("hostile content: HTML in a file name and in a snippet is shown as text, never run", async ({ page, state, request }) => {
  const repo = hostileRepo(state.workDir);
  const { repositoryId, scanId } = await register(request, repo.dir, "red-team");
  await waitForScan(request, scanId);
  const [f] = (await findings(request, `repository=${repositoryId}&check=training-monitor.shell.os-system-interpolated`));
  expect(f?.path).toBe(HOSTILE_FILE);

  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await signIn(page, "lead");
  for (const path of [`/findings?repository=${repositoryId}`, `/findings/${f!.id}`, `/repositories/${repositoryId}`, `/heatmap?columns=repositories`]) {
    await page.goto(path);
    await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  }
  await page.goto(`/findings/${f!.id}`);
  await expect(page.getByText(HOSTILE_FILE).first()).toBeVisible();
  await expect(page.getByRole("region", { name: "Code around the match" })).toContainText(HOSTILE_SNIPPET);
  // Shown as text: the markup arrives escaped, and no element was made from it.
  expect(await page.getByRole("region", { name: "Code around the match" }).innerHTML()).toContain("&lt;script&gt;alert('xss')&lt;/script&gt;");
  expect(await page.locator("script").evaluateAll((all) => all.filter((x) => x.textContent === "alert('xss')").length)).toBe(0);
  await page.goto(`/findings?repository=${repositoryId}`);
  await expect(page.getByText(HOSTILE_FILE).first()).toBeVisible();
  await snap(page, "hostile");
  expect(dialogs).toEqual([]);
});
