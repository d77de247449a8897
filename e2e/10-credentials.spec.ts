import AxeBuilder from "@axe-core/playwright";
import { register, waitForScan } from "./support/api.ts";
import { expectAdminPage, formOf } from "./support/admin-page.ts";
import { expect, signIn, snap, test } from "./support/fixtures.ts";
import { namedRepo } from "./support/repos.ts";

const TOKEN = "ghp_e2eCredentialNeverShownAgain0123456789";

test("security lead: stores a token for a scope, sees only its name, scope and fingerprint, checks access, deletes it", async ({
  page,
  state,
  request,
}) => {
  await signIn(page, "lead", "/admin/credentials");
  await expectAdminPage(page, "Credentials");

  const form = formOf(page, "Store credential");
  await form.getByLabel("Kind").selectOption("https_token");
  await form.getByLabel("Name", { exact: true }).fill("acme read token");
  await form.getByLabel("Scope").fill("git.e2e.example/acme/*");
  await form.getByLabel("Token", { exact: true }).fill(TOKEN);
  await form.getByRole("button", { name: "Store credential" }).click();
  await expect(form.getByRole("status")).toContainText("Stored “acme read token” for git.e2e.example/acme/*");
  await expect(form.getByLabel("Token", { exact: true })).toHaveValue("");

  const row = page.locator("table tbody tr").filter({ hasText: "acme read token" });
  await expect(row).toContainText("HTTPS token");
  await expect(row).toContainText("git.e2e.example/acme/*");
  await expect(row).toContainText(/sha256:[0-9a-f]{16}/);
  await expect(row).toContainText("never");
  // Write-only: the token is nowhere in what the server sends back.
  expect(await (await page.request.get("/admin/credentials")).text()).not.toContain(TOKEN);

  // A second one for the same scope is refused, by field.
  await form.getByLabel("Name", { exact: true }).fill("duplicate");
  await form.getByLabel("Scope").fill("git.e2e.example/acme");
  await form.getByLabel("Token", { exact: true }).fill(TOKEN);
  await form.getByRole("button", { name: "Store credential" }).click();
  await expect(form.getByRole("alert")).toContainText("a credential for git.e2e.example/acme/* over https already exists");
  await expect(form.getByLabel("Scope")).toHaveAttribute("aria-invalid", "true");

  // Check access for a repository no credential matches (a local one in this stack).
  const repo = namedRepo(state.workDir, "credentials-check");
  const check = formOf(page, "Check access");
  await check.getByLabel("Git URL").fill(repo.dir);
  await check.getByRole("button", { name: "Check access" }).click();
  await expect(check.getByRole("status")).toContainText("access works:");
  await expect(check.getByRole("status")).toContainText("Access works: git ls-remote reached the repository without a credential");
  await snap(page, "credentials");
  // The page's content as a person uses it (a stored credential, a refused form, a check's verdict): no serious or
  // critical axe violation. The shell around it is 11-accessibility's.
  const axe = await new AxeBuilder({ page })
    .include("main")
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  expect(
    axe.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  ).toEqual([]);

  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Delete" }).click();
  await expect(page.locator("table tbody tr").filter({ hasText: "acme read token" })).toHaveCount(0);

  // A registered repository's page says how it is cloned and checks it.
  const { repositoryId, scanId } = await register(request, repo.dir, "credentials");
  await waitForScan(request, scanId);
  await page.goto(`/repositories/${repositoryId}`);
  const access = page.getByRole("region", { name: "Access" });
  await expect(access).toContainText("No stored credential matches its URL");
  await access.getByRole("button", { name: "Check access" }).click();
  await expect(access.getByRole("status")).toContainText("access works");
});

test("an engineer cannot open the credentials page, and sees no link to it", async ({ page }) => {
  await signIn(page, "engineer");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Credentials" })).toHaveCount(0);
  expect((await page.request.get("/admin/credentials", { maxRedirects: 0 })).status()).toBe(403);
});
