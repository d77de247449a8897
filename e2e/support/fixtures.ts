import { test as base, expect, type Page } from "@playwright/test";
import { readState, type StackState } from "./stack.ts";

export type RoleKey = keyof StackState["users"];

export async function signIn(page: Page, role: RoleKey, next = "/"): Promise<void> {
  const { users } = readState();
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(users[role].email);
  await page.getByLabel("Password").fill(users[role].password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

/** Saves a full-page screenshot as a test artifact (test-results/e2e/screenshots). */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/e2e/screenshots/${name}.png`, fullPage: true });
}

export const test = base.extend<{ state: StackState }>({
  // eslint-disable-next-line no-empty-pattern
  state: async ({}, use) => use(readState()),
});
export { expect };
