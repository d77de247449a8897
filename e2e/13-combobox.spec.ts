import AxeBuilder from "@axe-core/playwright";
import { findings, register, waitForScan } from "./support/api.ts";
import { expect, signIn, snap, test } from "./support/fixtures.ts";
import { namedRepo } from "./support/repos.ts";

/**
 * The findings page's repository filter is a searchable combobox (app/ui/combobox/): typed into, picked from
 * with the keyboard, and the URL and the results follow. Its own two repositories, so no other spec's data
 * matters.
 */
test("the repository filter is searched, picked with the keyboard, and the URL and results follow", async ({ page, state, request }) => {
  const tag = `cbx${Date.now().toString(36)}`;
  const alpha = namedRepo(`${state.workDir}/${tag}`, `${tag}-alpha`);
  const beta = namedRepo(`${state.workDir}/${tag}`, `${tag}-beta`);
  const a = await register(request, alpha.dir, "combobox");
  const b = await register(request, beta.dir, "combobox");
  await waitForScan(request, a.scanId);
  await waitForScan(request, b.scanId);
  const betaFindings = await findings(request, `repository=${b.repositoryId}`);
  expect(betaFindings.length).toBeGreaterThan(0);

  await signIn(page, "lead", "/findings");
  await page.goto("/findings");
  const box = page.getByRole("combobox", { name: "Repository" });
  await expect(box).toHaveAttribute("aria-expanded", "false");
  await box.click();
  await box.pressSequentially(`${tag}-be`, { delay: 30 });
  const list = page.getByRole("listbox", { name: "Repository" });
  // Only the matching repository is offered (the search is debounced and server-side).
  await expect(list.getByRole("option")).toHaveText([new RegExp(`^${tag}-beta`)]);
  await expect(box).toHaveAttribute("aria-expanded", "true");
  await expect(box).toHaveAttribute("aria-controls", (await list.getAttribute("id"))!);

  await box.press("ArrowDown");
  const active = await box.getAttribute("aria-activedescendant");
  expect(active).toBeTruthy();
  await expect(page.locator(`[id="${active}"]`)).toHaveAttribute("aria-selected", "true");
  await snap(page, "combobox-open");
  const results = await new AxeBuilder({ page })
    .include(".findings-filters")
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

  await box.press("Enter");
  await expect(box).toHaveValue(`${tag}-beta`);
  await expect(box).toHaveAttribute("aria-expanded", "false");
  // A second Enter submits the filter form, as in any text box.
  await box.press("Enter");
  await page.waitForURL((u) => u.searchParams.get("repository") === b.repositoryId);
  await expect(page.locator(".results-head .count")).toHaveText(String(betaFindings.length));
  const rows = page.locator("table.findings tbody tr");
  await expect(rows).toHaveCount(betaFindings.length);
  for (const cell of await rows.locator("td:nth-child(5)").allTextContents()) expect(cell).toBe(`${tag}-beta`);

  // The link is shareable: loaded afresh, the box shows the repository's name (rendered on the server).
  await page.goto(`/findings?repository=${b.repositoryId}`);
  await expect(page.getByRole("combobox", { name: "Repository" })).toHaveValue(`${tag}-beta`);

  // Escape closes the list without changing the value; clearing the box and applying drops the filter.
  const again = page.getByRole("combobox", { name: "Repository" });
  await again.click();
  await again.press("ArrowDown");
  await expect(again).toHaveAttribute("aria-expanded", "true");
  await again.press("Escape");
  await expect(again).toHaveAttribute("aria-expanded", "false");
  await expect(again).toHaveValue(`${tag}-beta`);
  await again.fill("");
  // Leaving an emptied box means "any repository" (the list it opened closes).
  await again.press("Tab");
  await expect(page.locator('input[type="hidden"][name="repository"]')).toHaveValue("");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL((u) => !u.searchParams.get("repository"));

  // The search itself: session-authenticated, strict about its parameters.
  const ok = await page.request.get(`/api/search/repositories?q=${tag}`);
  expect(ok.status()).toBe(200);
  expect(((await ok.json()) as { items: { label: string }[] }).items.map((i) => i.label).sort()).toEqual([`${tag}-alpha`, `${tag}-beta`]);
  const bad = await page.request.get("/api/search/repositories?page=0");
  expect(bad.status()).toBe(400);
  expect(await bad.json()).toEqual({ error: { code: "invalid_input", message: "page: a whole number from 1" } });
  const anonymous = await request.get("/api/search/repositories", { headers: { cookie: "" } });
  expect(anonymous.status()).toBe(401);
});
