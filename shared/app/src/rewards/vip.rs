//! VIP: tiers bought with paid coins for 30 days. Buying an active tier
//! extends it at the renewal price; a higher tier starts now while the lower
//! one's time keeps running under it; the shown tier is the highest
//! unexpired. A daily claim of bonus coins, and perks the server enforces
//! (`perks`). No grace and no auto-renewal.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::DomainError;
use crate::http::idempotency::{Idem, with_retries};
use crate::http::{Created, Ctx, Json};
use crate::kernel::error::{DomainResult, ErrorKind};
use crate::kernel::views;

const DAY_MS: i64 = 86_400_000;

/// What each tier adds (a tier has every lower tier's perks too).
pub const PERKS: [&[&str]; 3] =
    [&["badge", "entry_effect"], &["seat_queue_first", "hidden_visits"], &["moderator_proof"]];

/// The perks of `tier` (0: none).
pub fn perks(tier: i64) -> Vec<&'static str> {
    PERKS.iter().take(tier.clamp(0, 3) as usize).flat_map(|p| p.iter().copied()).collect()
}

/// A VIP tier as sold.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VipTierView {
    #[schema(minimum = 1, maximum = 3)]
    pub tier: i64,
    #[schema(min_length = 1, max_length = 30)]
    pub name: String,
    /// Paid coins for a tier not active
    #[schema(minimum = 1, maximum = 10000000)]
    pub price_coins: i64,
    /// Paid coins to extend an active tier
    #[schema(minimum = 1, maximum = 10000000)]
    pub renew_price_coins: i64,
    #[schema(minimum = 1, maximum = 365)]
    pub days: i64,
    /// Bonus coins of the daily claim
    #[schema(minimum = 0, maximum = 100000)]
    pub daily_bonus: i64,
    /// badge, entry_effect; seat_queue_first, hidden_visits; moderator_proof (read-only)
    #[serde(default)]
    pub perks: Vec<String>,
}

fn tier_view(t: &store::VipTier) -> VipTierView {
    VipTierView {
        tier: t.tier,
        name: t.name.clone(),
        price_coins: t.price_coins,
        renew_price_coins: t.renew_price_coins,
        days: t.days,
        daily_bonus: t.daily_bonus,
        perks: perks(t.tier).into_iter().map(String::from).collect(),
    }
}

/// The tiers, as a body.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct VipTierList(pub Vec<VipTierView>);

pub async fn list_vip_tiers_http(state: &AppState, _ctx: &Ctx) -> DomainResult<Json<VipTierList>> {
    Ok(Json::new(VipTierList(state.db.get_vip_tiers().await?.tiers.iter().map(tier_view).collect())))
}

/// `PUT /admin/vip/tiers`: all three tiers.
pub async fn put_vip_tiers_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<VipTierList>> {
    let VipTierList(input) = ctx.json_list()?;
    if input.len() != 3 {
        return Err(DomainError::invalid("tiers: the three tiers 1, 2 and 3"));
    }
    let within = |field: String, v: i64, lo: i64, hi: i64| {
        if (lo..=hi).contains(&v) {
            Ok(v)
        } else {
            Err(DomainError::invalid(format!("{field}: a whole number from {lo} to {hi}")))
        }
    };
    let mut tiers = Vec::new();
    for (i, t) in input.iter().enumerate() {
        if t.tier != i as i64 + 1 {
            return Err(DomainError::invalid(format!("[{i}].tier: tiers 1, 2 and 3 in order")));
        }
        tiers.push(store::VipTier {
            tier: t.tier,
            name: crate::kernel::validate::text(&format!("[{i}].name"), &t.name, 1, 30)?,
            price_coins: within(format!("[{i}].price_coins"), t.price_coins, 1, 10_000_000)?,
            renew_price_coins: within(format!("[{i}].renew_price_coins"), t.renew_price_coins, 1, 10_000_000)?,
            days: within(format!("[{i}].days"), t.days, 1, 365)?,
            daily_bonus: within(format!("[{i}].daily_bonus"), t.daily_bonus, 0, 100_000)?,
        });
    }
    let before = VipTierList(state.db.get_vip_tiers().await?.tiers.iter().map(tier_view).collect());
    let saved = store::VipTiers { tiers, updated_at: state.now() };
    state.db.put_vip_tiers(&saved).await?;
    Ok(Json::new(VipTierList(saved.tiers.iter().map(tier_view).collect())).with_before(before))
}

/// One tier's time.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VipTime {
    pub tier: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub ends_at: String,
}

/// `GET /me/vip`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyVip {
    /// The highest tier whose time runs (0: none)
    pub active_tier: i64,
    /// Each tier whose time runs
    pub tiers: Vec<VipTime>,
    pub perks: Vec<&'static str>,
}

fn my_vip(a: &store::Account, now: i64) -> MyVip {
    let tiers = (1..=3)
        .filter(|t| a.vip_ends_at(*t) > now)
        .map(|t| VipTime { tier: t, ends_at: views::time(a.vip_ends_at(t)) })
        .collect();
    MyVip { active_tier: a.vip_tier(now), tiers, perks: perks(a.vip_tier(now)) }
}

pub async fn get_my_vip_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<MyVip>> {
    Ok(Json::new(my_vip(&state.own_account(&ctx.caller()?.id).await?, state.now())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyVipInput {
    #[schema(minimum = 1, maximum = 3)]
    pub tier: i64,
}

/// A VIP purchase's answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VipBought {
    /// The buyer's ledger entry
    pub id: String,
    pub tier: i64,
    /// Paid coins taken: the price, or the renewal price of a tier still running
    pub price_coins: i64,
    pub renewed: bool,
    /// RFC 3339: when this tier's time now ends
    #[schema(format = DateTime)]
    pub ends_at: String,
    pub vip: MyVip,
    pub wallet: views::Wallet,
}

/// `POST /me/vip {tier}`: paid coins only (402 `insufficient_coins`), one
/// transaction on the buyer's items; `Idempotency-Key` makes a retry one charge.
pub async fn buy_vip(
    state: &AppState,
    buyer: &str,
    input: BuyVipInput,
    idem: Option<&Idem>,
) -> DomainResult<Created<VipBought>> {
    if !(1..=3).contains(&input.tier) {
        return Err(DomainError::invalid("tier: 1, 2 or 3"));
    }
    let tiers = state.db.get_vip_tiers().await?;
    let tier = tiers
        .tiers
        .iter()
        .find(|t| t.tier == input.tier)
        .cloned()
        .ok_or_else(|| DomainError::not_found("no such tier"))?;
    with_retries(state, idem, || async {
        let now = state.now();
        let a = state.own_account(buyer).await?;
        if a.banned {
            return Err(DomainError::banned());
        }
        crate::kernel::ledger::no_debt(a.coin_debt)?;
        let prior = a.vip_ends_at(tier.tier);
        let renewed = prior > now;
        let price = if renewed { tier.renew_price_coins } else { tier.price_coins };
        if a.coins < price {
            return Err(DomainError::new(
                ErrorKind::Payment,
                "insufficient_coins",
                format!("VIP {} costs {price} paid coins; you have {}", tier.name, a.coins),
            ));
        }
        let ends_at = prior.max(now) + tier.days * DAY_MS;
        let mut entry = store::LedgerEntry::new(buyer, "vip_purchase", store::Balance::Coins, -price, None, now);
        entry.reason = Some(format!("vip{}", tier.tier));
        entry.quantity = Some(tier.days);
        let mut after = a.clone();
        after.coins -= price;
        after.wealth_xp += price;
        match tier.tier {
            1 => after.vip1_ends_at = ends_at,
            2 => after.vip2_ends_at = ends_at,
            _ => after.vip3_ends_at = ends_at,
        }
        let reply = Created::new(VipBought {
            id: entry.id.clone(),
            tier: tier.tier,
            price_coins: price,
            renewed,
            ends_at: views::time(ends_at),
            vip: my_vip(&after, now),
            wallet: views::Wallet::of(&after),
        });
        let record = idem.map(|i| (i, i.record(&reply, now)));
        let purchase = store::VipPurchase {
            tier: tier.tier,
            expected: a.coins,
            prior,
            ends_at,
            entry,
            idempotency: record.as_ref().map(|(i, r)| (i.account_id.as_str(), i.key.as_str(), r)),
        };
        state.db.buy_vip(purchase).await?;
        crate::kernel::metrics::coins(state, "VipSold", price);
        Ok(reply)
    })
    .await
}

pub async fn buy_vip_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<VipBought>> {
    let caller = ctx.caller()?;
    let idem = Idem::from_ctx(ctx)?;
    buy_vip(state, &caller.id, ctx.json()?, idem.as_ref()).await
}

/// The daily claim's answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VipClaimed {
    pub tier: i64,
    /// Bonus coins granted
    pub reward: i64,
    /// The economy day claimed (yyyy-mm-dd)
    pub day: String,
    pub wallet: views::Wallet,
}

/// `POST /me/vip/daily-claim`: the active tier's bonus coins, once an economy day.
pub async fn vip_daily_claim_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<VipClaimed>> {
    let caller = ctx.caller()?;
    let now = state.now();
    let a = state.own_account(&caller.id).await?;
    let tier = a.vip_tier(now);
    if tier == 0 {
        return Err(DomainError::conflict("not_vip", "no VIP tier is active"));
    }
    let (tiers, settings) = tokio::try_join!(state.db.get_vip_tiers(), state.db.get_settings())?;
    let reward = tiers.tiers.iter().find(|t| t.tier == tier).map_or(0, |t| t.daily_bonus);
    let day = super::checkin::economy_day(now, settings.economy_day_offset_minutes);
    let grant = store::BonusGrant::new(&caller.id, reward, "vip_daily", Some(format!("vip{tier}")), now);
    let claim =
        store::Claim { kind: "vip", period: day.clone(), attrs: vec![("tier", tier)], reason: "already_claimed" };
    state.db.grant_bonus(&grant, Some(&claim)).await?;
    let a = state.own_account(&caller.id).await?;
    Ok(Created::new(VipClaimed { tier, reward, day, wallet: views::Wallet::of(&a) }))
}

/// Pushes "your VIP ends in 3 days" for each tier whose reminder is due at
/// `now`, once (a purchase since moved the reminder to the new end);
/// answers how many were sent.
pub async fn remind_vip_ends(state: &AppState, now: i64) -> DomainResult<usize> {
    let mut sent = 0;
    for r in state.db.vip_reminders_due(now).await? {
        if !state.db.take_vip_reminder(&r).await? {
            continue;
        }
        let body = format!("Your VIP {} ends {}: renew to keep its perks", r.tier, views::time(r.ends_at));
        let tier = r.tier.to_string();
        let note = crate::kernel::notices::note(&r.account_id, "vip_ending", "VIP ends soon", body, &[("tier", &tier)]);
        state.notifier.send(note).await;
        sent += 1;
    }
    Ok(sent)
}

/// The hourly schedule.
pub async fn remind_vip_ends_event(state: std::sync::Arc<AppState>, _event: serde_json::Value) -> DomainResult<usize> {
    remind_vip_ends(&state, state.now()).await
}
