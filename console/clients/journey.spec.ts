// A buyer's journey through the TypeScript client openapi-typescript and
// openapi-fetch make from openapi.json (local/clients.sh), type-checked
// against the generated types before it runs: sign up, read the profile, buy
// coins with Stripe, pay (the local stand-in's confirm step), see them arrive.
import { expect, test } from "@playwright/test";
import createClient from "openapi-fetch";
import type { paths } from "../generated/api";

test("the generated TypeScript client buys coins end to end", async ({ baseURL }) => {
  const baseUrl = baseURL!;
  const api = createClient<paths>({ baseUrl });
  const email = `ts-${Date.now()}-${Math.floor(Math.random() * 1e6)}@clients.local`;
  const signedUp = await api.POST("/auth/register", { body: { name: "TS Buyer", email, password: "ts-client-pass" } });
  expect(signedUp.response.status).toBe(201);
  const session = signedUp.data!;
  const headers = { Authorization: `Bearer ${session.access_token}` };

  const me = await api.GET("/me", { headers });
  expect(me.data?.email).toBe(email);
  const packages = await api.GET("/coin-packages", { params: { query: { limit: 5 } } });
  const pkg = packages.data!.items[0];
  expect(pkg.price_minor).toBeGreaterThan(0);

  const created = await api.POST("/recharges", {
    headers: { ...headers, "Idempotency-Key": `ts-${email}` },
    body: { package_id: pkg.id, provider: "stripe" },
  });
  expect(created.response.status).toBe(201);
  const recharge = created.data!;
  expect(recharge.status).toBe("pending");
  const sheet = recharge.stripe!;
  expect(sheet.client_secret.startsWith(recharge.provider_ref)).toBe(true);

  // The buyer pays in the sheet: the stand-in's step, not an API operation.
  const paid = await fetch(`${baseUrl}/dev/payments/confirm`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_secret: sheet.client_secret }),
  });
  expect((await paid.json()).status).toBe("credited");

  const after = await api.GET("/recharges/{id}", { params: { path: { id: recharge.id } }, headers });
  expect(after.data?.status).toBe("credited");
  const mine = await api.GET("/me/recharges", { headers });
  expect(mine.data?.items.map((r) => r.id)).toEqual([recharge.id]);
  const wallet = await api.GET("/me/wallet", { headers });
  expect(wallet.data?.coins).toBe(pkg.coins + pkg.bonus_coins);
});
