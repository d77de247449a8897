import { expect, type Locator, type Page } from "@playwright/test";

/** The admin page `title` is open: its heading, and its entry in the main navigation marked as the current page. */
export async function expectAdminPage(page: Page, title: string): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: title })).toHaveAttribute("aria-current", "page");
}

/** The form that the button named `button` submits. */
export const formOf = (page: Page, button: string): Locator =>
  page.locator("form").filter({ has: page.getByRole("button", { name: button }) });
