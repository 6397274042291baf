// The API's docs page (/docs) in headless Chromium: what an app developer
// reads to build screens, from the document it is served beside.
import { expect, test } from "@playwright/test";

test("the docs page shows the app's groups first, request and response bodies with examples, and linked schemas", async ({
  page,
}) => {
  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: "Getting started" })).toBeVisible();
  await expect(page.locator("#start")).toContainText("Authorization: Bearer");
  await expect(page.locator("section[data-tag]").first()).toBeVisible(); // rendered from the fetched document
  const groups = await page.locator("section[data-tag] > h2").allTextContents();
  expect(groups[0]).toBe("accounts");
  expect(groups.indexOf("admin")).toBeGreaterThan(groups.indexOf("wallet"));
  expect(groups.at(-1)).toBe("webhooks");
  expect(groups).not.toContain("openapi.json");

  // A money call: its request body, its 201 answer's fields and a real example.
  const buy = page.locator("details.op-d", { hasText: "create-recharge" });
  await expect(buy.locator("summary .s").first()).toHaveText(
    "Starts buying a coin package: answers what the provider's mobile SDK needs to pay",
  );
  await buy.locator("summary").first().click();
  await expect(buy.getByRole("cell", { name: "package_id", exact: true })).toHaveCount(2); // asked for, and answered
  await expect(buy.getByText('"stripe" | "razorpay"', { exact: true })).toBeVisible();
  await expect(buy.locator(".status", { hasText: "201" })).toContainText("RechargeView");
  await expect(buy.getByRole("cell", { name: "client_secret" })).toHaveCount(0); // inside StripeCheckout
  await expect(buy.getByRole("cell", { name: "total_coins", exact: true })).toBeVisible();
  const answered = buy.locator("details.ex").filter({ has: page.locator("summary", { hasText: /^example$/ }) }).last();
  await answered.locator("summary").click();
  await expect(answered.locator("pre")).toContainText('"status": "pending"');

  // An error of the route's own, as the API answered it in the tests.
  const gift = page.locator("details.op-d", { hasText: "send-gift" });
  await gift.locator("summary").first().click();
  await gift.locator("details.ex summary", { hasText: "example: room_ended" }).click();
  await expect(gift.locator("details.ex[open] pre")).toContainText('"error": "room_ended"');

  // A page: the items' type, linked to its schema.
  const ledger = page.locator("details.op-d", { hasText: "list-transactions" });
  await ledger.locator("summary").first().click();
  await expect(ledger.getByText("A page of:")).toBeVisible();
  await ledger.getByRole("link", { name: "LedgerLine" }).first().click();
  await expect(page.locator("#schema-LedgerLine")).toBeInViewport();
  await expect(page.locator("#schema-LedgerLine")).toContainText('"refund_clawback"');

  // The filter narrows to matching operations.
  await page.getByPlaceholder("Filter by path, name, group or what it does").fill("send-gift");
  await expect(page.locator("details.op-d:visible")).toHaveCount(1);
  // ... and so do the words of what an operation does.
  await page.getByPlaceholder("Filter by path, name, group or what it does").fill("retires a gift");
  await expect(page.locator("details.op-d:visible")).toHaveCount(1);
  await expect(page.locator("details.op-d:visible")).toContainText("delete-gift");
});
