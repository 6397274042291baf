// Every console page at a laptop's width and a phone's: nothing runs off the
// side, the phone's menu folds behind its button, and a screenshot of each
// lands in console/screenshots/ (git-ignored) for a reviewer to look at.
import { expect, type Page, test } from "@playwright/test";

const ROLES = [
  { role: "admin", login: "admin@demo.local", password: "demo-admin-pass" },
  { role: "agency", login: "agency@demo.local", password: "demo-agency-pass" },
  { role: "host", login: "host1@demo.local", password: "demo-host-pass" },
];
const WIDTHS = [
  { name: "1280", width: 1280, height: 800 },
  { name: "390", width: 390, height: 844 },
];

async function signIn(page: Page, who: { login: string; password: string }) {
  await page.goto("/console/");
  await page.getByLabel("Email or phone").fill(who.login);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
}

/** How far the page runs past the window's right edge (0: no sideways scrolling). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

for (const who of ROLES) {
  for (const size of WIDTHS) {
    test(`the ${who.role}'s pages fit ${size.name} px`, async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
      await signIn(page, who);
      const menu = page.getByRole("navigation", { name: "Menu" });
      const toggle = page.getByRole("button", { name: "Menu" });
      if (size.width < 700) {
        await expect(menu).toBeHidden();
        await toggle.click();
        await expect(menu).toBeVisible();
        await expect(toggle).toHaveAttribute("aria-expanded", "true");
      } else {
        await expect(toggle).toBeHidden();
      }
      const links = await menu.getByRole("link").evaluateAll((as) =>
        as.map((a) => ({ name: a.textContent ?? "", href: a.getAttribute("href") ?? "" })),
      );
      expect(links.length).toBeGreaterThan(2);
      for (const link of links) {
        await page.goto(`/console/${link.href}`);
        await expect(page.getByRole("heading", { level: 1, name: link.name })).toBeVisible();
        await page.waitForLoadState("networkidle");
        await page.screenshot({ path: `screenshots/${who.role}-${link.href.replace(/\W+/g, "")}-${size.name}.png`, fullPage: true });
        expect(await overflow(page), `${link.name} at ${size.name} px runs off the side`).toBeLessThanOrEqual(0);
      }
    });
  }
}
