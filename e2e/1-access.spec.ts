import { ACTIONS, can, type Action } from "../lib/auth/permissions.ts";
import { expect, signIn, test, type RoleKey } from "./support/fixtures.ts";

const ROLE: Record<RoleKey, "admin" | "security_lead" | "engineer" | "viewer"> = {
  admin: "admin",
  lead: "security_lead",
  engineer: "engineer",
  viewer: "viewer",
};

// Every page and the permission it needs: the HTTP half of the role × action matrix (test/authz-matrix.test.ts has the rest).
const PAGES: [string, Action][] = [
  ["/", "findings:read"],
  ["/heatmap", "findings:read"],
  ["/remediation", "findings:read"],
  ["/findings", "findings:read"],
  ["/my", "findings:read"],
  ["/repositories", "repositories:read"],
  ["/rules", "findings:read"],
  ["/settings", "settings:manage"],
  ["/suppressions", "suppressions:read"],
  ["/admin/users", "users:manage"],
  ["/admin/tokens", "tokens:manage"],
  ["/admin/credentials", "credentials:manage"],
  ["/admin/connections", "connections:manage"],
  ["/admin/audit", "audit:read"],
];

test("a wrong password is refused with a message, and a page asked for is shown after signing in", async ({ page }) => {
  await page.goto("/findings?severity=critical");
  await expect(page).toHaveURL(/\/login\?next=%2Ffindings%3Fseverity%3Dcritical/);
  await page.getByLabel("Email").fill("lead@e2e.example");
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("p.error[role=alert]")).toHaveText("email or password is incorrect");
  await signIn(page, "lead", "/findings?severity=critical");
  await expect(page).toHaveURL(/\/findings\?severity=critical$/);
});

for (const role of Object.keys(ROLE) as RoleKey[]) {
  test(`${role}: every page answers 200 or 403 exactly as the role allows`, async ({ page }) => {
    await signIn(page, role);
    for (const [path, action] of PAGES) {
      expect(Object.keys(ACTIONS)).toContain(action);
      const r = await page.request.get(path, { maxRedirects: 0 });
      expect([path, r.status()]).toEqual([path, can(ROLE[role], action) ? 200 : 403]);
    }
  });
}

test("signed out, every page sends you to sign in and the API wants a token", async ({ request }) => {
  for (const [path] of PAGES) {
    const r = await request.get(path, { maxRedirects: 0 });
    expect([path, r.status(), r.headers().location?.startsWith("/login")]).toEqual([path, 307, true]);
  }
  expect((await request.get("/api/v1/findings")).status()).toBe(401);
});

test("security headers: nonce CSP, no framing, no sniffing, no referrer", async ({ request }) => {
  const r = await request.get("/login");
  const h = r.headers();
  expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("no-referrer");
  expect(h["x-powered-by"]).toBeUndefined();
});

test("a cross-site form post is refused", async ({ request }) => {
  const r = await request.post("/login", {
    headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    data: "email=a&password=b",
  });
  expect(r.status()).toBe(403);
});

test("sign out ends the session: the old cookie no longer opens a page", async ({ page }) => {
  await signIn(page, "viewer");
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "posture_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  const replay = await page.request.get("/", { headers: { cookie: `posture_session=${session!.value}` }, maxRedirects: 0 });
  expect(replay.status()).toBe(307);
});
