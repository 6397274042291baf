//! The gift catalog (admin CRUD, the apps' list) and sending gifts to hosts.

use serde::Deserialize;

use store::{Balance, Catalog, Gift, GiftSend, Role, WalletChange};

use crate::error::ApiResult;
use crate::http::{Ctx, Reply, list_reply};
use crate::wallet::{Idem, new_entry, with_retries};
use crate::{ApiError, AppState, validate, views};

pub const MAX_PRICE: i64 = 1_000_000;
pub const MAX_QUANTITY: i64 = 999;

/// A gift of the catalog.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftView {
    pub id: String,
    pub name: String,
    pub price_coins: i64,
    pub image_key: String,
    pub animation_key: Option<String>,
    pub active: bool,
    /// How many were sent, ever
    pub sent_count: i64,
    /// RFC 3339
    pub created_at: String,
    pub updated_at: String,
}

fn gift_json(g: &Gift) -> GiftView {
    GiftView {
        id: g.id.clone(),
        name: g.name.clone(),
        price_coins: g.price_coins,
        image_key: g.image_key.clone(),
        animation_key: g.animation_key.clone(),
        active: g.active,
        sent_count: g.sent_count,
        created_at: views::time(g.created_at),
        updated_at: views::time(g.updated_at),
    }
}

/// A sent gift: what left the sender's wallet.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftSent {
    /// The sender's ledger entry
    pub id: String,
    pub gift_id: String,
    pub gift_name: String,
    pub quantity: i64,
    pub total_coins: i64,
    pub receiver_id: String,
    pub room_id: Option<String>,
    /// The sender's wallet after
    pub wallet: views::Wallet,
    /// RFC 3339
    pub created_at: String,
}

pub fn positive(field: &str, v: i64, max: i64) -> ApiResult<i64> {
    if (1..=max).contains(&v) {
        Ok(v)
    } else {
        Err(ApiError::invalid(format!("{field}: a whole number from 1 to {max}")))
    }
}

fn key_field(field: &str, v: &str) -> ApiResult<String> {
    validate::text(field, v, 1, 512)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftInput {
    pub name: Option<String>,
    pub price_coins: Option<i64>,
    pub image_key: Option<String>,
    pub animation_key: Option<String>,
    pub active: Option<bool>,
}

impl GiftInput {
    /// Applies the given fields to `g`, validating each.
    fn apply(self, g: &mut Gift) -> ApiResult<()> {
        if let Some(n) = self.name {
            g.name = validate::text("name", &n, 1, 50)?;
        }
        if let Some(p) = self.price_coins {
            g.price_coins = positive("price_coins", p, MAX_PRICE)?;
        }
        if let Some(k) = self.image_key {
            g.image_key = key_field("image_key", &k)?;
        }
        if let Some(k) = self.animation_key {
            g.animation_key = Some(key_field("animation_key", &k)?);
        }
        if let Some(a) = self.active {
            g.active = a;
        }
        Ok(())
    }
}

pub async fn list_gifts_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let (limit, start) = ctx.page(state, "gifts")?;
    let page = state.db.list_catalog::<Gift>(Catalog::Gift, true, limit, start).await?;
    Ok(list_reply(state, "gifts", page.items.iter().map(gift_json).collect(), page.next))
}

pub async fn create_gift_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    Ok(Reply::created(gift_json(&create_gift(state, ctx.json()?).await?)))
}

pub async fn create_gift(state: &AppState, input: GiftInput) -> ApiResult<Gift> {
    let missing = |f: &str| ApiError::invalid(format!("{f}: required"));
    if input.name.is_none() {
        return Err(missing("name"));
    }
    if input.price_coins.is_none() {
        return Err(missing("price_coins"));
    }
    if input.image_key.is_none() {
        return Err(missing("image_key"));
    }
    let now = state.now();
    let mut g = Gift {
        id: ulid::Ulid::new().to_string(),
        name: String::new(),
        price_coins: 0,
        image_key: String::new(),
        animation_key: None,
        active: true,
        sent_count: 0,
        coins_total: 0,
        created_at: now,
        updated_at: now,
    };
    input.apply(&mut g)?;
    state.db.put_catalog_entry(Catalog::Gift, &g).await?;
    Ok(g)
}

async fn existing_gift(state: &AppState, ctx: &Ctx) -> ApiResult<Gift> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("gift not found"))?;
    state.db.get_catalog_entry(Catalog::Gift, &id).await?.ok_or_else(|| ApiError::not_found("gift not found"))
}

pub async fn update_gift_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let input: GiftInput = ctx.json()?;
    let mut g = existing_gift(state, ctx).await?;
    input.apply(&mut g)?;
    g.updated_at = state.now();
    let g = state.db.update_catalog_entry(Catalog::Gift, &g, ctx.body_has("active")).await?;
    Ok(Reply::ok(gift_json(&g)))
}

/// Retires the gift: it can no longer be sent, and history keeps its name and price.
pub async fn delete_gift_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let g = existing_gift(state, ctx).await?;
    state.db.retire_catalog_entry(Catalog::Gift, g, state.now()).await?;
    Ok(Reply::no_content())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendGiftInput {
    pub gift_id: String,
    pub quantity: i64,
    pub room_id: Option<String>,
}

/// Moves `price × quantity` coins from the sender to the host's earnings in one
/// transaction (see `store::Db::send_gift`); 402 and nothing changed when short.
pub async fn send_gift(
    state: &AppState,
    sender_id: &str,
    receiver_id: &str,
    input: SendGiftInput,
    idem: Option<&Idem>,
) -> ApiResult<Reply> {
    let gift_id = validate::id("gift_id", &input.gift_id)?;
    let quantity = positive("quantity", input.quantity, MAX_QUANTITY)?;
    let room_id = input.room_id.as_deref().map(|r| validate::id("room_id", r)).transpose()?;
    if sender_id == receiver_id {
        return Err(ApiError::invalid("id: you cannot send a gift to yourself"));
    }
    let view_key = (sender_id.to_string(), receiver_id.to_string(), gift_id.clone());
    let try_cache = std::sync::atomic::AtomicBool::new(true);
    with_retries(state, idem, || async {
        let now = state.now();
        // From the cache only on the first attempt; a refusal seen there is re-checked fresh.
        let cached = if try_cache.swap(false, std::sync::atomic::Ordering::Relaxed) {
            state.gift_views.get(&view_key, now)
        } else {
            None
        };
        let from_cache = cached.is_some();
        let (sender, receiver, gift) = match cached {
            Some((s, r, g)) => (Some(s), Some(r), Some(g)),
            None => state.db.gift_send_view(sender_id, receiver_id, &gift_id).await?,
        };
        let sender = sender.ok_or_else(|| ApiError::unauthenticated("account no longer exists"))?;
        let receiver = receiver.ok_or_else(|| ApiError::not_found("user not found"))?;
        let gift_ok = gift.as_ref().is_some_and(|g| g.active && sender.coins >= g.price_coins * quantity);
        if from_cache
            && (sender.banned || sender.coin_debt > 0 || receiver.banned || receiver.role != Role::Host || !gift_ok)
        {
            return Err(ApiError::conflict("balance_changed", "re-read before refusing"));
        }
        if receiver.role != Role::Host {
            return Err(ApiError::invalid("id: gifts can only be sent to hosts"));
        }
        if receiver.banned {
            return Err(ApiError::not_found("this host is not available"));
        }
        if sender.banned {
            return Err(ApiError::banned());
        }
        let gift = gift.ok_or_else(|| ApiError::not_found("gift not found"))?;
        if !gift.active {
            return Err(ApiError::conflict("gift_retired", "this gift is no longer available"));
        }
        let total = gift.price_coins * quantity;
        crate::calls::no_debt(sender.coin_debt)?;
        if sender.coins < total {
            return Err(ApiError::new(
                402,
                "insufficient_coins",
                format!("this costs {total} coins; you have {}", sender.coins),
            ));
        }
        let describe = |mut e: store::LedgerEntry, other: &str| {
            e.counterparty_id = Some(other.to_string());
            e.gift_id = Some(gift.id.clone());
            e.gift_name = Some(gift.name.clone());
            e.quantity = Some(quantity);
            e.room_id = room_id.clone();
            e
        };
        let sent = describe(
            new_entry(sender_id, "gift_sent", Balance::Coins, -total, Some(sender.coins - total), now),
            receiver_id,
        );
        let received =
            describe(new_entry(receiver_id, "gift_received", Balance::Earnings, total, None, now), sender_id);
        let reply = Reply::created(GiftSent {
            id: sent.id.clone(),
            gift_id: gift.id.clone(),
            gift_name: gift.name.clone(),
            quantity,
            total_coins: total,
            receiver_id: receiver_id.to_string(),
            room_id: room_id.clone(),
            wallet: views::Wallet { coins: sender.coins - total, earnings: sender.earnings, coin_debt: 0 },
            created_at: views::time(now),
        });
        let record = idem.map(|i| (i, i.record(&reply, now)));
        let body = format!("{} sent you {quantity} × {} ({total} coins)", sender.name, gift.name);
        let note = crate::notify::record(
            crate::notify::note(
                receiver_id,
                "gift",
                "New gift",
                body,
                &[
                    ("gift_id", &gift.id),
                    ("sender_id", sender_id),
                    ("quantity", &quantity.to_string()),
                    ("coins", &total.to_string()),
                ],
            ),
            now,
        );
        let send = GiftSend {
            changes: [
                WalletChange::exact(sender.coins, sent),
                // The host is credited with ADD: a crowd of senders never retries on each other.
                WalletChange::add(received),
            ],
            sender_id,
            receiver_id,
            gift_id: &gift.id,
            price_coins: gift.price_coins,
            quantity,
            room_id: room_id.as_deref(),
            idempotency: record.as_ref().map(|(i, r)| (i.account_id.as_str(), i.key.as_str(), r)),
            notification: Some(&note),
        };
        let sent = state.db.send_gift(send).await;
        if sent.is_err() {
            state.gift_views.forget(&view_key);
        }
        if let Err(store::Error::Condition("room_unavailable")) = sent {
            return Err(room_refusal(state, room_id.as_deref().unwrap_or_default(), receiver_id).await);
        }
        sent?;
        let (mut sender, mut receiver) = (sender.clone(), receiver.clone());
        sender.coins -= total;
        receiver.earnings += total;
        state.gift_views.put(view_key.clone(), (sender, receiver, gift.clone()), now);
        crate::metrics::coins(state, "GiftsSent", total);
        Ok(reply)
    })
    .await
}

/// Why a gift could not land in the room it names.
async fn room_refusal(state: &AppState, room_id: &str, host_id: &str) -> ApiError {
    match state.db.get_room(room_id).await {
        Ok(None) => ApiError::not_found("room not found"),
        Ok(Some(r)) if r.host_id != host_id => ApiError::invalid("room_id: that room belongs to another host"),
        Ok(Some(r)) if !r.live => ApiError::conflict("room_ended", "this room has ended"),
        Ok(Some(_)) => ApiError::conflict("balance_changed", "the room changed meanwhile; try again"),
        Err(e) => e.into(),
    }
}

pub async fn send_gift_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let receiver = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("user not found"))?;
    let idem = Idem::from_ctx(ctx)?;
    send_gift(state, &caller.id, &receiver, ctx.json()?, idem.as_ref()).await
}
