import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { findings, register, waitForScan } from "./support/api.ts";
import { expect, signIn, snap, test } from "./support/fixtures.ts";
import { namedRepo } from "./support/repos.ts";

/**
 * axe-core on every main page, as the admin (who sees every page) and signed out: no serious or critical
 * violation. Each page is also shot at 1280 and 1920 px into test-results/e2e/screenshots/ to be looked at.
 */
async function axe(page: Page, name: string): Promise<void> {
  // Charts draw in the browser and panels stream in: check what a person would see once the page is ready.
  await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const bad = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1, 2).join("").trim()}`)
          .join("\n")}`,
    );
  // Soft: one run lists every page's violations, not only the first page's.
  expect.soft(bad, `${name}: ${bad.length} serious or critical axe violations\n${bad.join("\n")}`).toEqual([]);
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1280, 900],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
    await snap(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("every main page passes axe-core without serious or critical violations, at 1280 and 1920 px", async ({ page, state, request }) => {
  test.setTimeout(300_000);
  const repo = namedRepo(state.workDir, "a11y-svc");
  const { repositoryId, scanId } = await register(request, repo.dir, "accessibility");
  await waitForScan(request, scanId);
  const [finding] = await findings(request, `repository=${repositoryId}`);
  expect(finding).toBeTruthy();

  await page.goto("/login");
  await axe(page, "login");
  await shoot(page, "a11y-login");

  await signIn(page, "admin");
  const pages: [string, string][] = [
    ["/", "overview"],
    ["/?range=365", "overview-365"],
    ["/heatmap", "heatmap"],
    ["/heatmap?columns=teams", "heatmap-teams"],
    ["/remediation", "remediation"],
    ["/findings", "findings"],
    [`/findings/${finding!.id}`, "finding"],
    ["/my", "my-findings"],
    ["/repositories", "repositories"],
    [`/repositories/${repositoryId}`, "repository"],
    ["/rules", "rules"],
    ["/settings", "settings"],
    ["/suppressions", "suppressions"],
    ["/admin/users", "users"],
    ["/admin/tokens", "tokens"],
    ["/admin/audit", "audit"],
  ];
  for (const [path, name] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await axe(page, name);
    await shoot(page, `a11y-${name}`);
  }

  // Open states a person reaches by clicking: the register forms, a disable-with-reason form, a data table.
  await page.goto("/repositories");
  await page.locator("details.register summary").click();
  await page.getByRole("button", { name: "Many (one URL a line)" }).click();
  await axe(page, "repositories with the register form open");
  await page.goto("/rules");
  await page
    .getByRole("button", { name: /^Disable \S+$/ })
    .first()
    .click();
  await axe(page, "rules with a disable form open");
  await page.goto("/");
  await page.locator("details.chart-table summary").first().click();
  await axe(page, "overview with a data table open");
});
