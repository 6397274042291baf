// The console in headless Chromium against a dev server with the demo data
// (local/e2e.sh): what each role sees and does, checked against the API.
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";

const ADMIN = { login: "admin@demo.local", password: "demo-admin-pass" };
const AGENCY = { login: "agency@demo.local", password: "demo-agency-pass" };
const HOST2 = { login: "host2@demo.local", password: "demo-host-pass" };
const USER1 = { login: "user1@demo.local", password: "demo-user-pass" };

/** An API client signed in as `who`, for setting up and checking what the console shows. */
async function as(request: APIRequestContext, who: { login: string; password: string }) {
  const r = await request.post("/auth/login", { data: who });
  expect(r.status(), await r.text()).toBe(200);
  const session = await r.json();
  const headers = { authorization: `Bearer ${session.access_token}` };
  const call = async (method: string, path: string, data?: unknown) => {
    const res = await request.fetch(path, { method, headers, data });
    const text = await res.text();
    return { status: res.status(), body: text ? JSON.parse(text) : null };
  };
  return { id: session.user.id as string, call, get: async (path: string) => (await call("GET", path)).body };
}

async function signIn(page: Page, who: { login: string; password: string }) {
  await page.goto("/console/");
  await page.getByLabel("Email or phone").fill(who.login);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
}

const coins = (n: number) => `${n.toLocaleString("en-US")} coins`;
const inr = (minor: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "INR" }).format(minor / 100);
/** The value shown under `label` in the section named `region`. */
const stat = (page: Page, region: string, label: string) =>
  page.getByRole("region", { name: region }).getByRole("group", { name: label, exact: true }).locator(".value");

test("a wrong password shows the API's message next to the sign-in form", async ({ page }) => {
  await page.goto("/console/");
  await page.getByLabel("Email or phone").fill(ADMIN.login);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("invalid_credentials");
});

test("the admin sees the API's numbers on the dashboard, creates a gift, and bans and unbans a user", async ({ page, request }) => {
  const admin = await as(request, ADMIN);
  const user1 = await as(request, USER1);
  await signIn(page, ADMIN);
  const stats = await admin.get("/admin/stats?days=30");
  await expect(stat(page, "Today", "New users")).toHaveText(String(stats.today.new_users));
  await expect(stat(page, "Today", "Coins sold")).toHaveText(coins(stats.today.coins_sold));
  await expect(stat(page, "Today", "Gifts sent")).toHaveText(coins(stats.today.gift_coins));
  await expect(stat(page, "Today", "Call minutes")).toHaveText(String(stats.today.call_minutes));
  await expect(stat(page, "Last 30 days", "Coins sold")).toHaveText(coins(stats.period.coins_sold));
  await expect(stat(page, "Now", "Live rooms")).toHaveText(String(stats.live_rooms));
  await expect(stat(page, "Now", "Host earnings unsettled")).toHaveText(coins(stats.unsettled_earnings));
  await expect(page.getByRole("img", { name: /per day, last 30 days/ })).toBeVisible();

  // A gift: a bad price shows the API's error; a good one lands in the list.
  await page.getByRole("link", { name: "Gifts", exact: true }).click();
  const create = page.getByRole("form", { name: "Create" });
  await create.getByLabel("Name").fill("Comet");
  await create.getByLabel("Price (coins)").fill("0");
  await create.getByLabel("Image (PNG, JPEG or WebP)").setInputFiles({ name: "comet.png", mimeType: "image/png", buffer: PNG });
  await create.getByRole("button", { name: "Create" }).click();
  await expect(create.getByRole("alert")).toContainText("price_coins");
  await create.getByLabel("Price (coins)").fill("25");
  await create.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("row", { name: /Comet 25 coins/ })).toBeVisible();
  const gifts = await admin.get("/gifts?limit=100");
  expect(gifts.items.some((g: any) => g.name === "Comet" && g.price_coins === 25 && g.image_key.startsWith(`uploads/${admin.id}/image/`))).toBe(true);
  // Its thumbnail is the uploaded image, loaded from the URL the apps get.
  await expect(page.getByRole("row", { name: /Comet 25 coins/ }).getByRole("img", { name: "Comet" })).toHaveJSProperty("naturalWidth", 1);
  // Retiring it shows what that does first; Cancel changes nothing, Confirm retires.
  const comet = page.getByRole("row", { name: /Comet 25 coins/ });
  await comet.getByRole("button", { name: "Retire Comet" }).click();
  const retiring = comet.getByRole("group", { name: "Retire Comet: preview" });
  await expect(retiring).toContainText("Comet (25 coins, sent 0 times) leaves the catalog");
  await retiring.getByRole("button", { name: "Cancel" }).click();
  expect((await admin.get("/gifts?limit=100")).items.some((g: any) => g.name === "Comet")).toBe(true);
  await comet.getByRole("button", { name: "Retire Comet" }).click();
  await retiring.getByRole("button", { name: "Confirm: Retire Comet" }).click();
  await expect(page.getByRole("row", { name: /Comet 25 coins/ })).toHaveCount(0);
  expect((await admin.get("/gifts?limit=100")).items.some((g: any) => g.name === "Comet")).toBe(false);

  // Ban and unban user1, found by e-mail and by id; the ban is reviewed first.
  await page.getByRole("link", { name: "Users", exact: true }).click();
  const search = page.getByLabel("Id, name, email or phone");
  await search.fill(user1.id.toLowerCase());
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("link", { name: "User1" })).toBeVisible();
  await search.fill(USER1.login);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "User1" }).click();
  await expect(stat(page, "Wallet", "Coins")).toBeVisible();
  const before = await admin.get(`/admin/users/${user1.id}`);
  await page.getByLabel("Reason").first().fill("spam in chat");
  await page.getByRole("button", { name: "Review ban" }).click();
  const review = page.getByRole("group", { name: "Ban: preview" });
  await expect(review).toContainText("Ban User1 (user) for “spam in chat”: signed out everywhere at once");
  await expect(review).toContainText(`Their ${coins(before.coins)} and ${coins(before.earnings)} of unsettled earnings stay`);
  expect((await admin.get(`/admin/users/${user1.id}`)).banned).toBe(false);
  await review.getByRole("button", { name: "Confirm: ban User1" }).click();
  await expect(page.getByText("Banned: spam in chat")).toBeVisible();
  let u = await admin.get(`/admin/users/${user1.id}`);
  expect([u.banned, u.banned_reason]).toEqual([true, "spam in chat"]);
  await page.getByRole("button", { name: "Unban" }).click();
  await expect(page.getByText("Active", { exact: true })).toBeVisible();
  u = await admin.get(`/admin/users/${user1.id}`);
  expect(u.banned).toBe(false);
});

test("the agency approves an application and settles a host, and the settlement shows the exact split", async ({ page, request }) => {
  // A new user applies to DEMO01; a fan sends host1 gifts worth 30 coins.
  const email = `applicant-${Date.now()}@demo.local`;
  const reg = await request.post("/auth/register", { data: { email, password: "applicant-pass-1", name: "Applicant" } });
  expect(reg.status()).toBe(201);
  const applicant = await as(request, { login: email, password: "applicant-pass-1" });
  const applied = await applicant.call("POST", "/host-applications", { agency_code: "DEMO01", display_name: "Nova", about: "I sing", country: "IN", languages: ["hi"] });
  expect(applied.status).toBe(201);
  const host1 = await as(request, { login: "host1@demo.local", password: "demo-host-pass" });
  const fan = await as(request, { login: "user2@demo.local", password: "demo-user-pass" });
  const heart = (await fan.get("/gifts?limit=100")).items.find((g: any) => g.name === "Heart");
  expect((await fan.call("POST", `/users/${host1.id}/gifts`, { gift_id: heart.id, quantity: 3 })).status).toBe(201);

  await signIn(page, AGENCY);
  const agencyApi = await as(request, AGENCY);
  const dash = await agencyApi.get("/agency/dashboard?days=30");
  expect(dash.series[29].gifts_received).toBeGreaterThanOrEqual(3);
  await page.getByLabel("Chart").selectOption("gifts_received");
  const bars = page.getByRole("img", { name: "Gifts received per day, last 30 days" }).locator("rect");
  await expect(bars.last().locator("title")).toHaveText(`${dash.series[29].day}: ${dash.series[29].gifts_received}`);
  await expect(page.getByRole("group", { name: "Unsettled earnings" }).locator(".value")).toHaveText(coins(dash.unsettled_earnings));
  await page.getByRole("link", { name: "Applications", exact: true }).click();
  await page.getByRole("button", { name: "Approve Nova" }).click();
  await expect(page.getByRole("button", { name: "Approve Nova" })).toHaveCount(0);
  expect((await applicant.get("/host-applications/me")).status).toBe("approved");

  await page.getByRole("link", { name: "Hosts", exact: true }).click();
  await expect(page.getByRole("row", { name: /^Nova|Applicant/ })).toBeVisible();
  // Settling shows the split first (nothing moves until Confirm), then settles exactly that.
  const agency = await as(request, AGENCY);
  const made = (await agency.get("/agency/settlements?limit=100")).items.length;
  await page.getByRole("button", { name: "Settle Host1" }).click();
  const preview = page.getByRole("group", { name: "Settle Host1: preview" });
  await expect(preview).toContainText("Host1:");
  const shown = (await preview.textContent()) ?? "";
  expect((await agency.get("/agency/settlements?limit=100")).items.length).toBe(made);
  await preview.getByRole("button", { name: "Confirm: Settle Host1" }).click();
  await expect(preview).toHaveCount(0);
  await expect(page.getByRole("row", { name: /Host1/ }).getByRole("cell").nth(3)).toHaveText("0 coins");
  const s = (await agency.get("/agency/settlements?limit=1")).items[0];
  expect([s.host_id, s.host_name]).toEqual([host1.id, "Host1"]);
  expect(s.platform_fee_minor + s.agency_commission_minor + s.host_payout_minor).toBe(s.gross_minor);
  expect(shown).toContain(`${coins(s.coins)} = ${inr(s.gross_minor)}`);
  expect(shown).toContain(`host payout ${inr(s.host_payout_minor)}`);

  await page.getByRole("link", { name: "Settlements", exact: true }).click();
  const row = page.getByRole("row").filter({ hasText: "Host1" }).first();
  await expect(row).toContainText(coins(s.coins));
  await expect(row).toContainText(inr(s.gross_minor));
  await expect(row).toContainText(`${inr(s.platform_fee_minor)} (${s.platform_fee_percent} %)`);
  await expect(row).toContainText(`${inr(s.agency_commission_minor)} (${s.commission_percent} %)`);
  await expect(row).toContainText(inr(s.host_payout_minor));
});

test("the host changes the call price and the profile shows it", async ({ page, request }) => {
  await signIn(page, HOST2);
  await page.getByRole("link", { name: "Call settings" }).click();
  await page.getByLabel("Price per minute (coins)").fill("75");
  await page.getByLabel("Online for calls").check();
  await page.getByRole("button", { name: "Save call settings" }).click();
  await expect(page.getByText("Now: 75 coins a minute, online.")).toBeVisible();
  const host2 = await as(request, HOST2);
  const viewer = await as(request, USER1);
  const profile = await viewer.get(`/users/${host2.id}`);
  expect([profile.call_price, profile.online]).toEqual([75, true]);
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("group", { name: "Unsettled earnings" })).toBeVisible();
  // The chart: one bar a day, today's the API's figure; the picker switches to minutes.
  const dash = await host2.get("/host/dashboard?days=30");
  const chart = page.getByRole("img", { name: "Earnings (coins) per day, last 30 days" });
  await expect(chart.locator("rect")).toHaveCount(30);
  const today = dash.series[29];
  await expect(chart.locator("rect").last().locator("title")).toHaveText(`${today.day}: ${today.earnings}`);
  await page.getByLabel("Chart").selectOption("call_minutes");
  await expect(page.getByRole("img", { name: "Call minutes per day, last 30 days" }).locator("rect").last().locator("title")).toHaveText(`${today.day}: ${today.call_minutes}`);
});

test("the admin works the reports queue: removing a reported room ends it", async ({ page, request }) => {
  const admin = await as(request, ADMIN);
  const user1 = await as(request, USER1);
  const host2 = await as(request, HOST2);
  const live = await host2.call("POST", "/rooms", { title: "report me" });
  expect([200, 201], JSON.stringify(live.body)).toContain(live.status);
  const room = live.body.room.id;
  const report = await user1.call("POST", "/reports", { target_type: "room", target_id: room, reason: "nudity" });
  expect(report.status, JSON.stringify(report.body)).toBe(201);

  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Reports", exact: true }).click();
  await expect(page.getByRole("cell", { name: `room ${room}` })).toBeVisible();
  const line = page.getByRole("row").filter({ hasText: `room ${room}` });
  await expect(line.getByRole("link", { name: "User1" })).toHaveAttribute("href", `#/users/${user1.id}`);
  await expect(line.getByRole("link", { name: (await host2.get("/me")).name })).toHaveAttribute("href", `#/users/${host2.id}`);
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: `Remove content: report ${report.body.id}` }).click();
  await expect(page.getByRole("cell", { name: `room ${room}` })).toHaveCount(0);
  expect((await user1.get(`/rooms/${room}`)).live).toBe(false);
  const resolved = await admin.get("/admin/reports?status=resolved");
  expect(resolved.items.find((r: any) => r.id === report.body.id)?.action).toBe("remove_content");
});

test("the admin types a coin package's price in rupees and the API stores paise", async ({ page, request }) => {
  const admin = await as(request, ADMIN);
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Coin packages", exact: true }).click();
  const create = page.getByRole("form", { name: "Create" });
  await create.getByLabel("Coins", { exact: true }).fill("777");
  await create.getByLabel("Bonus coins").fill("0");
  await create.getByLabel("Currency (ISO code)").fill("INR");
  await create.getByLabel("Price (e.g. 199.00)").fill("1.999");
  await create.getByRole("button", { name: "Create" }).click();
  await expect(create.getByRole("alert")).toContainText("at most 2 decimals");
  await create.getByLabel("Price (e.g. 199.00)").fill("199.00");
  await create.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("row", { name: /777 coins/ })).toContainText(inr(19900));
  const packages = await admin.get("/coin-packages?limit=100");
  const made = packages.items.find((p: any) => p.coins === 777);
  expect(made.price_minor).toBe(19900);

  // Editing shows the price as typed, and a new one is stored exactly.
  const row = page.getByRole("row", { name: /777 coins/ });
  await row.getByText("Edit 777 coins package").click();
  const price = row.getByLabel("Price (e.g. 199.00) of 777 coins package");
  await expect(price).toHaveValue("199.00");
  await price.fill("249.5");
  await row.getByRole("button", { name: "Save 777 coins package" }).click();
  await expect(row).toContainText(inr(24950));
  const after = await admin.get("/coin-packages?limit=100");
  expect(after.items.find((p: any) => p.id === made.id).price_minor).toBe(24950);
});

test("the admin sees who is live, with viewers and gifts, and ends a room", async ({ page, request }) => {
  const host2 = await as(request, HOST2);
  const user1 = await as(request, USER1);
  const live = await host2.call("POST", "/rooms", { title: "late show" });
  expect([200, 201], JSON.stringify(live.body)).toContain(live.status);
  const room = live.body.room.id;
  expect((await user1.call("POST", `/rooms/${room}/join`)).status).toBe(200);
  const me = await host2.get("/me");

  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Live rooms", exact: true }).click();
  const row = page.getByRole("row", { name: /late show/ });
  await expect(row.getByRole("link", { name: me.name })).toHaveAttribute("href", `#/users/${me.id}`);
  const shown = await host2.get(`/rooms/${room}`);
  await expect(row).toContainText(coins(shown.host_earning));
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    d.accept();
  });
  await row.getByRole("button", { name: "End late show" }).click();
  await expect(page.getByRole("row", { name: /late show/ })).toHaveCount(0);
  expect(asked).toContain("host's stream stops");
  expect((await user1.get(`/rooms/${room}`)).live).toBe(false);
});

test("the admin sees a party room's stage and a PK battle's scores, takes a guest off the stage, and sets the percentages", async ({ page, request }) => {
  const admin = await as(request, ADMIN);
  const host1 = await as(request, { login: "host1@demo.local", password: "demo-host-pass" });
  const host2 = await as(request, HOST2);
  const user1 = await as(request, USER1);
  // Fresh rooms: whatever either host has live ends, and any battle and stage with it.
  for (const h of [host1, host2]) {
    const r = await h.call("POST", "/rooms", {});
    expect((await h.call("POST", `/rooms/${r.body.room.id}/end`)).status).toBe(200);
  }
  const party = await host1.call("POST", "/rooms", { title: "party night", kind: "audio", seats: 4 });
  expect(party.status, JSON.stringify(party.body)).toBe(201);
  const room = party.body.room.id;
  expect((await user1.call("POST", `/rooms/${room}/seat-requests`)).status).toBe(201);
  expect((await host1.call("POST", `/rooms/${room}/seat-requests/${user1.id}/approve`, { seat: 2 })).status).toBe(200);
  expect((await host2.call("POST", "/rooms", { title: "rival show" })).status).toBe(201);
  const inv = await host1.call("POST", "/pk/invitations", { host_id: host2.id, duration_secs: 600 });
  expect(inv.status, JSON.stringify(inv.body)).toBe(201);
  const battle = await host2.call("POST", `/pk/invitations/${inv.body.id}/accept`);
  expect(battle.status, JSON.stringify(battle.body)).toBe(201);
  const heart = (await user1.get("/gifts?limit=100")).items.find((g: any) => g.name === "Heart");
  expect((await user1.call("POST", `/users/${host1.id}/gifts`, { gift_id: heart.id, quantity: 2, room_id: room })).status).toBe(201);
  // The dev server's aggregator applies the gift to the battle within about a second.
  const score = async () => (await admin.get(`/pk/${battle.body.battle.id}`)).sides.find((s: any) => s.host_id === host1.id).score;
  await expect.poll(score).toBe(2 * heart.price_coins);
  const [me1, guest] = [await host1.get("/me"), await user1.get("/me")];

  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Live rooms", exact: true }).click();
  const row = page.getByRole("row", { name: /party night/ });
  await expect(row).toContainText("audio party, 4 seats");
  await row.getByRole("button", { name: "Stage and PK of party night" }).click();
  const stage = page.getByRole("region", { name: "Stage" });
  const seat2 = stage.getByRole("row", { name: new RegExp(`^2 ${guest.name} open on`) });
  await expect(seat2).toBeVisible();
  await expect(stage).toContainText("By invitation, active");
  await expect(stage.getByRole("row", { name: new RegExp(`^${me1.name}`) })).toContainText(coins(2 * heart.price_coins));
  await expect(stage.getByRole("row", { name: new RegExp(`^${me1.name}`) })).toContainText(guest.name);
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    d.accept();
  });
  await seat2.getByRole("button", { name: `Take ${guest.name} off seat 2` }).click();
  await expect(stage.getByRole("row", { name: /^2 free/ })).toBeVisible();
  expect(asked).toContain("stop publishing");
  expect((await admin.get(`/rooms/${room}`)).seats[1].account_id).toBeNull();

  // The percentages: out of range is refused with the API's word; in range is kept.
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  const form = page.getByRole("form", { name: "Change the settings" });
  await form.getByLabel("PK winner's bonus (% of its score, 0 to 50)").fill("60");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByRole("alert")).toContainText("pk_winner_bonus_pct");
  await form.getByLabel("PK winner's bonus (% of its score, 0 to 50)").fill("5");
  await form.getByLabel("Room owner's share of gifts to guests (%, 0 to 50)").fill("15");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("A PK winner gets 5% of its score")).toBeVisible();
  const saved = await admin.get("/admin/settings");
  expect([saved.pk_winner_bonus_pct, saved.room_owner_share_pct]).toEqual([5, 15]);
  // Back to the defaults, both rooms ended: the other tests see the demo as it was.
  expect((await admin.call("PUT", "/admin/settings", { pk_winner_bonus_pct: 0, room_owner_share_pct: 10 })).status).toBe(200);
  expect((await host1.call("POST", `/rooms/${room}/end`)).status).toBe(200);
});

test("the admin previews an agency's settlement, confirms it, and reads the audit log as a diff filtered by action and actor", async ({ page, request }) => {
  const admin = await as(request, ADMIN);
  const host2 = await as(request, HOST2);
  const fan = await as(request, { login: "user2@demo.local", password: "demo-user-pass" });
  const heart = (await fan.get("/gifts?limit=100")).items.find((g: any) => g.name === "Heart");
  expect((await fan.call("POST", `/users/${host2.id}/gifts`, { gift_id: heart.id, quantity: 2 })).status).toBe(201);
  const agencies = await admin.get("/admin/agencies?limit=100");
  const demo = agencies.items.find((a: any) => a.code === "DEMO01");

  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Payouts", exact: true }).click();
  await expect(page.getByRole("region", { name: "Due" }).getByRole("row").filter({ hasText: "Host2" })).toContainText(demo.name);
  await page.getByLabel("Agency", { exact: true }).selectOption({ label: `${demo.name} (DEMO01)` });
  await page.getByRole("button", { name: "Review agency settlement" }).click();
  const preview = page.getByRole("group", { name: `Settle ${demo.name}: preview` });
  await expect(preview.getByRole("listitem").filter({ hasText: "Host2" })).toContainText("host payout");
  await preview.getByRole("button", { name: `Confirm: Settle ${demo.name}` }).click();
  await expect(preview).toHaveCount(0);
  const last = (await admin.get("/admin/settlements?limit=1")).items[0];
  expect([last.host_name, last.agency_id, last.batch_id === null]).toEqual(["Host2", demo.id, false]);
  await expect(page.getByRole("row").filter({ hasText: "Host2" }).first().getByRole("link", { name: "Host2" })).toBeVisible();

  // A change in the audit log: the commission as before → after, found by action, then by actor.
  await page.getByRole("link", { name: "Agencies", exact: true }).click();
  const was = demo.commission_percent;
  await page.getByLabel(`Commission percent of ${demo.name}`).fill(String(was + 1));
  await page.getByRole("button", { name: `Save ${demo.name}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(demo.name) })).toContainText(`${was + 1} %`);
  await page.getByRole("link", { name: "Audit log", exact: true }).click();
  await page.getByLabel("Action (e.g. ban-user)").fill("update-agency");
  await page.getByRole("button", { name: "Filter audit log" }).click();
  const change = page.getByRole("row").filter({ hasText: "update-agency" }).first();
  await expect(change.locator("ul.diff li", { hasText: "commission_percent" })).toHaveText(`commission_percent: ${was} → ${was + 1}`);
  await expect(page.getByRole("row").filter({ hasText: "settlements" })).toHaveCount(0);
  await change.getByRole("button", { name: /^only / }).click();
  await expect(page.getByRole("table")).toContainText("Filtered: action update-agency, actor");
  const mine = await admin.get(`/admin/audit?actor=${admin.id}&action=update-agency`);
  await expect(page.getByRole("row").filter({ hasText: "update-agency" })).toHaveCount(mine.items.length);
  await admin.call("PATCH", `/admin/agencies/${demo.id}`, { commission_percent: was });
});

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

/** Uploads `bytes` through the presigned flow as `who`; answers the key. */
async function upload(request: APIRequestContext, who: Awaited<ReturnType<typeof as>>, kind: string, type: string, bytes: Buffer) {
  const up = await who.call("POST", "/uploads", { kind, content_type: type, size: bytes.length });
  expect(up.status, JSON.stringify(up.body)).toBe(201);
  const headers = Object.fromEntries(Object.entries(up.body.headers as Record<string, string>).filter(([k]) => k !== "content-length"));
  const put = await request.put(up.body.url, { headers, data: bytes });
  expect(put.ok()).toBe(true);
  return up.body.key as string;
}

test("the admin follows calls in progress and by day, finds a payment and exports the day's, and removes a reported post", async ({ page, request }) => {
  const user1 = await as(request, USER1);
  const user2 = await as(request, { login: "user2@demo.local", password: "demo-user-pass" });
  const host2 = await as(request, HOST2);
  // A call in progress: user1 calls host2, who accepts.
  const ring = await user1.call("POST", "/calls", { host_id: host2.id });
  expect(ring.status, JSON.stringify(ring.body)).toBe(201);
  expect((await host2.call("POST", `/calls/${ring.body.id}/accept`)).status).toBe(200);
  // A payment: user2 buys a package by Stripe and pays in the sheet.
  const pack = (await user2.get("/coin-packages?limit=100")).items[0];
  const bought = await user2.call("POST", "/recharges", { package_id: pack.id, provider: "stripe" });
  expect(bought.status).toBe(201);
  expect((await request.post("/dev/payments/confirm", { data: { client_secret: bought.body.stripe.client_secret } })).status()).toBe(200);
  // A post user1 makes and user2 reports.
  const key = await upload(request, user1, "image", "image/png", PNG);
  const post = await user1.call("POST", "/posts", { media_key: key, caption: "sunset from the roof" });
  expect(post.status, JSON.stringify(post.body)).toBe(201);
  expect((await user2.call("POST", "/reports", { target_type: "post", target_id: post.body.id, reason: "spam" })).status).toBe(201);

  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Calls", exact: true }).click();
  const live = page.getByRole("region", { name: "In progress" }).getByRole("row").filter({ hasText: "User1" });
  await expect(live).toContainText("Host2");
  await expect(live).toContainText("active");
  expect((await user1.call("POST", `/calls/${ring.body.id}/end`)).status).toBe(200);
  await page.getByLabel("State").selectOption("ended");
  await page.getByRole("button", { name: "Show calls" }).click();
  const ended = page.getByRole("region", { name: "By day" }).getByRole("row").filter({ hasText: "User1" }).first();
  await expect(ended).toContainText("ended (ended by caller)");
  await expect(ended.getByRole("cell").nth(7)).toHaveText(coins(ring.body.price_per_minute)); // within the connection grace: the prepaid minute back

  await page.getByRole("link", { name: "Payments", exact: true }).click();
  const paid = page.getByRole("row").filter({ hasText: bought.body.provider_ref });
  await expect(paid).toContainText("User2");
  await expect(paid).toContainText("credited");
  await page.getByLabel("Status").selectOption("pending");
  await page.getByRole("button", { name: "Show payments" }).click();
  await expect(page.getByRole("row").filter({ hasText: bought.body.provider_ref })).toHaveCount(0);
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel(/^Find/).fill(bought.body.provider_ref);
  await page.getByRole("button", { name: "Show payments" }).click();
  await expect(page.getByRole("table")).toContainText(`Found for “${bought.body.provider_ref}”`);
  await expect(page.getByRole("row")).toHaveCount(2);
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export payments CSV" }).click()]);
  const lines = (await (await import("node:fs/promises")).readFile((await file.path())!, "utf8")).trim().split("\n");
  expect(lines.length).toBe(2);
  expect(lines[1]).toContain(bought.body.provider_ref);

  await page.getByRole("link", { name: "Posts", exact: true }).click();
  await expect(page.getByRole("region", { name: "Reported" }).getByRole("row").filter({ hasText: post.body.id })).toContainText("User1");
  const row = page.getByRole("region", { name: "Recent" }).getByRole("row").filter({ hasText: "sunset from the roof" });
  await expect(row.getByRole("img", { name: "sunset from the roof" })).toHaveJSProperty("naturalWidth", 1);
  await row.getByRole("button", { name: "Remove post “sunset from the roof”" }).click();
  await expect(row.getByRole("group")).toContainText("its author (User1) is not banned");
  await row.getByRole("button", { name: /^Confirm: Remove post/ }).click();
  await expect(page.getByRole("row").filter({ hasText: "sunset from the roof" })).toHaveCount(0);
  expect((await user1.call("GET", `/posts/${post.body.id}`)).status).toBe(404);
});

test("the admin adds an avatar by uploading its image, and the list shows it", async ({ page, request }) => {
  const admin = await as(request, ADMIN);
  const before = (await admin.get("/avatars?limit=100")).items.length;
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Avatars", exact: true }).click();
  const create = page.getByRole("form", { name: "Create" });
  await create.getByLabel("Image (PNG, JPEG or WebP)").setInputFiles({ name: "avatar.png", mimeType: "image/png", buffer: PNG });
  await create.getByRole("button", { name: "Create" }).click();
  await expect(create.getByText("Done")).toBeVisible();
  const avatars = (await admin.get("/avatars?limit=100")).items;
  expect(avatars.length).toBe(before + 1);
  const made = avatars.find((a: any) => a.image_key.startsWith(`uploads/${admin.id}/image/`));
  await expect(page.getByRole("img", { name: `avatar ${made.id.slice(-6)}` })).toHaveJSProperty("naturalWidth", 1);
});

test("the admin reviews a broadcast to hosts, sends it, and each host finds it in their notifications", async ({ page, request }) => {
  const host2 = await as(request, HOST2);
  const user1 = await as(request, USER1);
  const title = `Festival ${Date.now()}`;
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Broadcasts", exact: true }).click();
  await page.getByLabel("To").selectOption("hosts");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Message").fill("Double rewards on every gift until Sunday");
  await page.getByRole("button", { name: "Review broadcast" }).click();
  const review = page.getByRole("group", { name: "Broadcast: preview" });
  await expect(review).toContainText("To hosts (every account of it that is not banned)");
  await review.getByRole("button", { name: "Confirm: send to hosts" }).click();
  await expect(page.getByRole("row").filter({ hasText: title })).toContainText("sending");
  // The minute's schedule, run now: it fans the broadcast out.
  expect((await request.post("/dev/schedules/send-broadcasts")).status()).toBe(200);
  const mine = (await host2.get("/me/notifications?limit=100")).items.filter((n: any) => n.title === title);
  expect(mine.map((n: any) => [n.type, n.body])).toEqual([["broadcast", "Double rewards on every gift until Sunday"]]);
  expect((await user1.get("/me/notifications?limit=100")).items.some((n: any) => n.title === title)).toBe(false);
  await page.getByRole("link", { name: "Calls", exact: true }).click();
  await page.getByRole("link", { name: "Broadcasts", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: title })).toContainText(/sent 20\d\d-/);
});

test("the admin watches a room's chat and gifts as they happen, and mutes, kicks and deletes from there", async ({ page, request }) => {
  const host2 = await as(request, HOST2);
  const user1 = await as(request, USER1);
  // A fresh room: whatever host2 has live ends first.
  const before = await host2.call("POST", "/rooms", {});
  expect((await host2.call("POST", `/rooms/${before.body.room.id}/end`)).status).toBe(200);
  const live = await host2.call("POST", "/rooms", { title: "chat show" });
  expect(live.status, JSON.stringify(live.body)).toBe(201);
  const room = live.body.room.id;
  expect((await user1.call("POST", `/rooms/${room}/join`)).status).toBe(200);
  const name = (await user1.get("/me")).name;

  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Live rooms", exact: true }).click();
  await page.getByRole("row", { name: /chat show/ }).getByRole("button", { name: "Stage and PK of chat show" }).click();
  const panel = page.getByRole("region", { name: "Live" });
  // Subscribed to the room's channel: what happens next arrives without a reload.
  await expect(panel.getByRole("status")).toHaveText("Live: messages arrive as they happen.");
  expect((await user1.call("POST", `/rooms/${room}/messages`, { text: "hello from the front row" })).status).toBe(201);
  const line = panel.getByRole("row", { name: /hello from the front row/ });
  await expect(line).toBeVisible();
  const rose = (await user1.get("/gifts?limit=100")).items.find((g: any) => g.name === "Rose");
  const sent = await user1.call("POST", `/users/${host2.id}/gifts`, { gift_id: rose.id, quantity: 3, room_id: room });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  // Once credited (the aggregator, then the channel's publisher, from the stream).
  await expect(panel.getByRole("row", { name: /Rose ×3/ })).toContainText(coins(3 * rose.price_coins), { timeout: 20_000 });

  await line.getByRole("button", { name: `Mute ${name}` }).click();
  await expect.poll(async () => (await user1.call("POST", `/rooms/${room}/messages`, { text: "can I talk?" })).body.error).toBe("muted");
  page.once("dialog", (d) => d.accept());
  await line.getByRole("button", { name: `Kick ${name}` }).click();
  await expect.poll(async () => (await user1.call("POST", `/rooms/${room}/join`)).body?.error).toBe("kicked");
  await expect(panel.getByRole("list", { name: "Moderation" })).toContainText(`kick: ${user1.id}`);
  await line.getByRole("button", { name: `Delete ${name}'s line` }).click();
  await expect(line).toHaveCount(0);
  expect((await host2.get(`/rooms/${room}/messages`)).items.map((l: any) => l.text)).not.toContain("hello from the front row");
  expect((await host2.call("POST", `/rooms/${room}/end`)).status).toBe(200);
});

test("the admin runs the rewards: the check-in ladder, tasks, VIP tiers and levels, and sees a user's bonus coins", async ({ page, request }) => {
  const admin = await as(request, ADMIN);
  const user1 = await as(request, USER1);
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "Rewards", exact: true }).click();

  // The ladder: out of range is refused with the API's word; in range is kept.
  const ladder = page.getByRole("form", { name: "Change the bonus-coin settings" });
  await ladder.getByLabel("Check-in ladder (7 amounts, comma-separated)").fill("1, 2, 3");
  await ladder.getByRole("button", { name: "Save bonus-coin settings" }).click();
  await expect(ladder.getByRole("alert")).toContainText("check_in_rewards");
  await ladder.getByLabel("Check-in ladder (7 amounts, comma-separated)").fill("6, 6, 10, 10, 15, 15, 40");
  await ladder.getByRole("button", { name: "Save bonus-coin settings" }).click();
  await expect(page.getByText("the check-in ladder pays 6, 6, 10, 10, 15, 15, 40")).toBeVisible();

  // A task, then retired.
  const add = page.getByRole("form", { name: "Add a task" });
  await add.getByLabel("Title").fill("Gift three times today");
  await add.getByLabel("Target").fill("3");
  await add.getByLabel("Reward (bonus coins)").fill("12");
  await add.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByRole("row", { name: /Gift three times today/ })).toContainText("active");
  const task = (await admin.get("/admin/tasks")).items.find((t: any) => t.title === "Gift three times today");
  expect([task.period, task.kind, task.target, task.reward_bonus_coins]).toEqual(["daily", "send_gifts", 3, 12]);
  expect((await user1.get("/me/tasks")).items.some((t: any) => t.id === task.id)).toBe(true);
  await page.getByRole("button", { name: "Retire Gift three times today" }).click();
  await expect(page.getByRole("row", { name: /Gift three times today/ })).toContainText("retired");
  expect((await user1.get("/me/tasks")).items.some((t: any) => t.id === task.id)).toBe(false);

  // VIP 1's price.
  const vip = page.getByRole("form", { name: "Change the VIP tiers" });
  await vip.getByLabel("VIP 1 price (paid coins)").fill("1200");
  await vip.getByRole("button", { name: "Save VIP tiers" }).click();
  await expect(page.getByRole("row", { name: /1: Silver/ })).toContainText(coins(1200));
  expect((await user1.get("/vip/tiers"))[0].price_coins).toBe(1200);

  // The wealth levels, replaced whole; a broken table is refused.
  const wealth = page.getByRole("form", { name: "Replace the wealth levels" });
  await wealth.getByLabel("XP of each wealth level from 1 (comma-separated, 0 first)").fill("5, 100");
  await wealth.getByRole("button", { name: "Save wealth levels" }).click();
  await expect(wealth.getByRole("alert")).toContainText("levels[0].xp");
  await wealth.getByLabel("XP of each wealth level from 1 (comma-separated, 0 first)").fill("0, 100, 300");
  await wealth.getByRole("button", { name: "Save wealth levels" }).click();
  await expect(page.getByText("3 levels; level 10 at — XP, the top at 300 XP.")).toBeVisible();

  // The user checks in; their page shows the bonus coins and when they expire.
  const checked = await user1.call("POST", "/me/check-in", {});
  expect([200, 201, 409]).toContain(checked.status);
  const w = await user1.get("/me/wallet");
  await page.getByRole("link", { name: "Users", exact: true }).click();
  await page.getByLabel("Id, name, email or phone").fill(USER1.login);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "User1" }).click();
  await expect(stat(page, "Wallet", "Bonus coins")).toHaveText(coins(w.bonus_coins));
  await expect(page.getByRole("table", { name: /Bonus coins by when they expire/ })).toContainText(coins(w.bonus_expiring[0].amount));

  // Back to the defaults: the other tests see the demo as it was.
  const defaults = [
    { tier: 1, name: "Silver", price_coins: 1000, renew_price_coins: 900, days: 30, daily_bonus: 20 },
    { tier: 2, name: "Gold", price_coins: 3000, renew_price_coins: 2700, days: 30, daily_bonus: 50 },
    { tier: 3, name: "Diamond", price_coins: 10000, renew_price_coins: 9000, days: 30, daily_bonus: 150 },
  ];
  expect((await admin.call("PUT", "/admin/vip/tiers", defaults)).status).toBe(200);
  expect((await admin.call("PUT", "/admin/settings", { check_in_rewards: [5, 5, 10, 10, 15, 15, 40] })).status).toBe(200);
  expect((await admin.call("PUT", "/admin/levels/wealth", await admin.get("/admin/levels/charm"))).status).toBe(200);
});

test("the admin verifies a host's identity from its documents, previews a withdrawal and approves it, and the host sees its month", async ({ page, request }) => {
  // A new host of DEMO01 with a settled gift: 60 % of it is theirs to withdraw.
  const admin = await as(request, ADMIN);
  const agency = await as(request, AGENCY);
  const stamp = Date.now();
  const email = `payee-${stamp}@demo.local`;
  expect((await request.post("/auth/register", { data: { email, password: "payee-pass-1", name: `Payee${stamp}` } })).status()).toBe(201);
  let host = await as(request, { login: email, password: "payee-pass-1" });
  const applied = await host.call("POST", "/host-applications", { agency_code: "DEMO01", display_name: "Payee", about: "I sing", country: "IN", languages: ["hi"] });
  expect((await agency.call("POST", `/agency/host-applications/${applied.body.id}/approve`, {})).status).toBe(200);
  host = await as(request, { login: email, password: "payee-pass-1" });
  const fan = await as(request, USER1);
  expect((await admin.call("POST", `/admin/users/${fan.id}/coins`, { amount: 3000, reason: "e2e" })).status).toBe(201);
  const big = await admin.call("POST", "/admin/gifts", { name: `Crown${stamp}`, price_coins: 3000, image_key: "gifts/crown.png" });
  expect((await fan.call("POST", `/users/${host.id}/gifts`, { gift_id: big.body.id, quantity: 1 })).status).toBe(201);
  await expect.poll(async () => (await host.get("/me/wallet")).earnings).toBe(3000);
  expect((await agency.call("POST", `/agency/hosts/${host.id}/settlements`, {})).status).toBe(201);
  expect((await host.get("/me/wallet")).payable_minor).toBe(1800);

  // The identity check with its images; the admin opens the queue and approves it.
  const doc = await upload(request, host, "image", "image/png", PNG);
  const selfie = await upload(request, host, "image", "image/png", PNG);
  const legal = `Payee Kumar ${stamp}`;
  const kyc = await host.call("POST", "/me/kyc", { legal_name: legal, date_of_birth: "1996-02-29", country: "IN", document_type: "national_id", document_keys: [doc], selfie_key: selfie });
  expect(kyc.status, JSON.stringify(kyc.body)).toBe(201);
  await signIn(page, ADMIN);
  await page.getByRole("link", { name: "KYC", exact: true }).click();
  const row = page.getByRole("row").filter({ hasText: legal });
  await expect(row.getByRole("img", { name: `Document 1 of ${legal}` })).toBeVisible();
  await expect(row.getByRole("img", { name: `Selfie of ${legal}` })).toBeVisible();
  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: `Approve ${legal}` }).click();
  await expect(page.getByRole("row").filter({ hasText: legal })).toHaveCount(0);
  expect((await host.get("/me")).kyc_status).toBe("verified");

  // A UPI account in the verified name (no hold for this test), a withdrawal, and the preview before approval.
  const hold = (await admin.get("/admin/settings")).payout_account_hold_hours;
  expect((await admin.call("PUT", "/admin/settings", { payout_account_hold_hours: 0 })).status).toBe(200);
  const account = await host.call("POST", "/me/payout-accounts", { method: "upi", holder_name: legal, details: { vpa: `payee${stamp}@okhdfc` } });
  expect(account.status, JSON.stringify(account.body)).toBe(201);
  await admin.call("PUT", "/admin/settings", { payout_account_hold_hours: hold });
  const w = await host.call("POST", "/me/withdrawals", { amount_minor: 1500, payout_account_id: account.body.id });
  expect(w.status, JSON.stringify(w.body)).toBe(201);
  await page.getByRole("link", { name: "Withdrawals", exact: true }).click();
  await page.getByRole("button", { name: `Approve withdrawal ${w.body.id}` }).click();
  const preview = page.getByRole("group", { name: `Approve withdrawal ${w.body.id}: preview` });
  await expect(preview).toContainText(`sent: ${inr(w.body.payout_minor)} to upi pa•••@okhdfc, held by ${legal}`);
  await expect(preview).toContainText(`fee: ${inr(w.body.fee_minor)}`);
  await preview.getByRole("button", { name: `Confirm: Approve withdrawal ${w.body.id}` }).click();
  await expect(preview).toHaveCount(0);
  const sent = (await host.get("/me/withdrawals")).items[0];
  expect([sent.status, sent.provider_payout_id?.startsWith("pout_")]).toEqual(["processing", true]);

  // The host's month: the targets and where it stands.
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, { login: email, password: "payee-pass-1" });
  await page.getByRole("link", { name: "This month", exact: true }).click();
  const month = await host.get("/host/month");
  await expect(page.getByRole("group", { name: "Earnings (coins)" }).locator(".value")).toHaveText(coins(month.earnings_coins));
  await expect(page.getByRole("status").filter({ hasText: "needs" })).toContainText(`Tier ${month.next_tier.tier}`);
});
