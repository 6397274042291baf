//! The gift catalog (admin CRUD, the apps' list) and sending gifts to hosts.

use serde::Deserialize;

use store::{Balance, Catalog, Gift, GiftCurrency, GiftSend, Role, WalletChange};

use crate::http::idempotency::{Idem, with_retries};
use crate::http::{Created, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::ids::{AccountId, GiftId, RoomId};
use crate::kernel::validate::{self, Creatable, New, positive};
use crate::kernel::views::{self, MediaUrls};
use crate::{AppState, DomainError};

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
    /// Where the apps load the image from
    pub image_url: String,
    pub animation_key: Option<String>,
    pub active: bool,
    /// What buys it: `coins` (paid) or `bonus` (bonus coins only; the host earns `bonus_host_rate_bps` of it)
    #[schema(schema_with = crate::kernel::vocab::gift_currency)]
    pub currency: &'static str,
    /// The sender's wealth level it needs (0: anyone)
    pub min_wealth_level: i64,
    /// How many were sent, ever
    pub sent_count: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// `g` as shown, with how many were sent (`sent`, from `store::Db::gift_counts`).
fn gift_view(g: &Gift, sent: i64, urls: &MediaUrls) -> GiftView {
    GiftView {
        id: g.id.clone(),
        name: g.name.clone(),
        price_coins: g.price_coins,
        image_key: g.image_key.clone(),
        image_url: urls.get(&g.image_key),
        animation_key: g.animation_key.clone(),
        active: g.active,
        currency: currency_name(g.currency),
        min_wealth_level: g.min_wealth_level,
        sent_count: sent,
        created_at: views::time(g.created_at),
        updated_at: views::time(g.updated_at),
    }
}

fn currency_name(c: GiftCurrency) -> &'static str {
    match c {
        GiftCurrency::Coins => "coins",
        GiftCurrency::Bonus => "bonus",
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
    #[schema(format = DateTime)]
    pub created_at: String,
}

fn key_field(field: &str, v: &str) -> DomainResult<String> {
    validate::text(field, v, 1, 512)
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiftChanges {
    #[schema(min_length = 1, max_length = 50)]
    pub name: Option<String>,
    #[schema(minimum = 1, maximum = 1000000)]
    pub price_coins: Option<i64>,
    pub image_key: Option<String>,
    pub animation_key: Option<String>,
    pub active: Option<bool>,
    #[schema(schema_with = crate::kernel::vocab::gift_currency_or_null)]
    pub currency: Option<String>,
    #[schema(minimum = 0, maximum = 50)]
    pub min_wealth_level: Option<i64>,
}

impl GiftChanges {
    /// Applies the given fields to `g`, validating each.
    fn apply(self, g: &mut Gift) -> DomainResult<()> {
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
        if let Some(c) = self.currency {
            g.currency = match c.as_str() {
                "coins" => GiftCurrency::Coins,
                "bonus" => GiftCurrency::Bonus,
                _ => return Err(DomainError::invalid("currency: coins or bonus")),
            };
        }
        if let Some(l) = self.min_wealth_level {
            if !(0..=crate::kernel::levels::MAX_LEVEL).contains(&l) {
                return Err(DomainError::invalid(format!(
                    "min_wealth_level: a level from 0 to {}",
                    crate::kernel::levels::MAX_LEVEL
                )));
            }
            g.min_wealth_level = l;
        }
        Ok(())
    }
}

pub async fn list_gifts_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<GiftView>> {
    let (limit, start) = ctx.page(state, "gifts")?;
    let page = state.db.list_catalog::<Gift>(Catalog::Gift, true, limit, start).await?;
    let ids: Vec<&str> = page.items.iter().map(|g| g.id.as_str()).collect();
    let counts = state.db.gift_counts(&ids).await?;
    let sent = |g: &Gift| counts.get(&g.id).map_or(0, |c| c.0);
    let keys: Vec<&str> = page.items.iter().map(|g| g.image_key.as_str()).collect();
    let urls = MediaUrls::of(state, keys).await?;
    Ok(list_reply(state, "gifts", page.items.iter().map(|g| gift_view(g, sent(g), &urls)).collect(), page.next))
}

pub async fn create_gift_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<GiftView>> {
    let g = create_gift(state, New::check(ctx.json()?)?).await?;
    let urls = MediaUrls::of(state, [g.image_key.as_str()]).await?;
    Ok(Created::new(gift_view(&g, 0, &urls)))
}

impl Creatable for GiftChanges {
    const REQUIRED: &'static [&'static str] = &["name", "price_coins", "image_key"];
}

pub async fn create_gift(state: &AppState, input: New<GiftChanges>) -> DomainResult<Gift> {
    let input = input.into_inner();
    let now = state.now();
    let mut g = Gift {
        id: ulid::Ulid::new().to_string(),
        name: String::new(),
        price_coins: 0,
        image_key: String::new(),
        animation_key: None,
        active: true,
        currency: GiftCurrency::Coins,
        min_wealth_level: 0,
        created_at: now,
        updated_at: now,
    };
    input.apply(&mut g)?;
    state.db.put_catalog_entry(Catalog::Gift, &g).await?;
    Ok(g)
}

async fn existing_gift(state: &AppState, ctx: &Ctx) -> DomainResult<Gift> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("gift not found"))?;
    state.db.get_catalog_entry(Catalog::Gift, &id).await?.ok_or_else(|| DomainError::not_found("gift not found"))
}

pub async fn update_gift_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<GiftView>> {
    let input: GiftChanges = ctx.json()?;
    let mut g = existing_gift(state, ctx).await?;
    input.apply(&mut g)?;
    g.updated_at = state.now();
    let g = state.db.update_catalog_entry(Catalog::Gift, &g, ctx.body_has("active")).await?;
    let counts = state.db.gift_counts(&[&g.id]).await?;
    let urls = MediaUrls::of(state, [g.image_key.as_str()]).await?;
    Ok(Json::new(gift_view(&g, counts.get(&g.id).map_or(0, |c| c.0), &urls)))
}

/// Retires the gift: it can no longer be sent, and history keeps its name and price.
pub async fn delete_gift_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let g = existing_gift(state, ctx).await?;
    state.db.retire_catalog_entry(Catalog::Gift, g, state.now()).await?;
    Ok(NoContent::done())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendGiftInput {
    pub gift_id: String,
    #[schema(minimum = 1, maximum = 999)]
    pub quantity: i64,
    pub room_id: Option<String>,
    /// The price the app showed: when the gift's price is no longer this, 409 `price_changed` and nothing moves
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub price_coins: Option<i64>,
}

/// Takes `price × quantity` coins from the sender in one transaction on the
/// sender's items, with the gift's event (see `store::Db::send_gift`); the
/// host's earnings, the room, the boards and the host's notification follow
/// from the event within about a second. 402 and nothing changed when short.
/// The sender, receiver, gift, room and seat are read fresh for every send
/// (one BatchGetItem): a price, a ban or a seat changed a moment ago holds
/// for the very next gift.
pub async fn send_gift(
    state: &AppState,
    sender_id: &AccountId,
    receiver_id: &AccountId,
    input: SendGiftInput,
    idem: Option<&Idem>,
) -> DomainResult<Created<GiftSent>> {
    let (sender_id, receiver_id) = (sender_id.as_str(), receiver_id.as_str());
    let gift_id = GiftId::parse("gift_id", &input.gift_id)?.to_string();
    let quantity = positive("quantity", input.quantity, MAX_QUANTITY)?;
    let shown_price = input.price_coins.map(|p| positive("price_coins", p, MAX_PRICE)).transpose()?;
    let room_id = input.room_id.as_deref().map(|r| RoomId::parse("room_id", r).map(|r| r.to_string())).transpose()?;
    if sender_id == receiver_id {
        return Err(DomainError::invalid("id: you cannot send a gift to yourself"));
    }
    with_retries(state, idem, || async {
        let now = state.now();
        let view = state.db.gift_send_view(sender_id, receiver_id, &gift_id, room_id.as_deref()).await?;
        let levels = state.levels().await?;
        let (sender, gift, guest) =
            check_gift_send(&view, room_id.as_deref(), receiver_id, quantity, shown_price, &levels)?;
        let total = gift.price_coins * quantity;
        let bonus = gift.currency == GiftCurrency::Bonus;
        let (kind, balance, held) = if bonus {
            ("bonus_gift", Balance::Bonus, sender.bonus_coins)
        } else {
            ("gift_sent", Balance::Coins, sender.coins)
        };
        let mut sent = store::LedgerEntry::new(sender_id, kind, balance, -total, Some(held - total), now);
        sent.counterparty_id = Some(receiver_id.to_string());
        sent.gift_id = Some(gift.id.clone());
        sent.gift_name = Some(gift.name.clone());
        sent.quantity = Some(quantity);
        sent.room_id = room_id.clone();
        let reply = Created::new(GiftSent {
            id: sent.id.clone(),
            gift_id: gift.id.clone(),
            gift_name: gift.name.clone(),
            quantity,
            total_coins: total,
            receiver_id: receiver_id.to_string(),
            room_id: room_id.clone(),
            wallet: if bonus {
                views::Wallet { bonus_coins: held - total, ..views::Wallet::of(sender) }
            } else {
                views::Wallet { coins: held - total, coin_debt: 0, ..views::Wallet::of(sender) }
            },
            created_at: views::time(now),
        });
        let record = idem.map(|i| (i, i.record(&reply, now)));
        let mut credit = store::Credit {
            host_id: receiver_id.to_string(),
            payer_id: sender_id.to_string(),
            payer_name: sender.name.clone(),
            amount: total,
            coins: total,
            quantity,
            gift_id: gift.id.clone(),
            gift_name: gift.name.clone(),
            room_id: room_id.clone(),
            payer_wealth_level: levels.wealth_level(sender.wealth_xp),
            ..Default::default()
        };
        let settings = view.settings.clone().unwrap_or_default();
        if bonus {
            // The host's promotional pay, floored: the platform's promo expense, never the sender's coins.
            credit.bonus = true;
            credit.amount = total * settings.bonus_host_rate_bps / 10_000;
        }
        // A guest's gift: the room's owner takes its share (an exact split,
        // floored for the owner); a bonus gift has none.
        let share = match (guest, &view.room) {
            (true, _) if bonus => {
                credit.guest = true;
                None
            }
            (true, Some(room)) if room.host_id != sender_id => {
                let pct = settings.room_owner_share_pct;
                let owner_part = total * pct / 100;
                credit.guest = true;
                credit.amount = total - owner_part;
                (owner_part > 0).then(|| store::Credit {
                    host_id: room.host_id.clone(),
                    amount: owner_part,
                    quantity: 0,
                    share_of: Some(receiver_id.to_string()),
                    guest: false,
                    ..credit.clone()
                })
            }
            (true, _) => {
                credit.guest = true;
                None
            }
            _ => None,
        };
        let send = GiftSend {
            change: WalletChange::exact(held, sent),
            credit,
            share,
            idempotency: record.as_ref().map(|(i, r)| (i.account_id.as_str(), i.key.as_str(), r)),
        };
        state.db.send_gift(send).await?;
        crate::kernel::metrics::coins(state, "GiftsSent", total);
        Ok(reply)
    })
    .await
}

/// Whether the gift may be sent, from what was read: the sender, the gift and
/// whether the receiver is a guest on a seat of the room (not its host), or why not.
fn check_gift_send<'a>(
    view: &'a store::GiftSendView,
    room_id: Option<&str>,
    receiver_id: &str,
    quantity: i64,
    shown_price: Option<i64>,
    levels: &crate::kernel::levels::Levels,
) -> DomainResult<(&'a store::Account, &'a Gift, bool)> {
    let sender = view.sender.as_ref().ok_or_else(|| DomainError::unauthenticated("account no longer exists"))?;
    let receiver = view.receiver.as_ref().ok_or_else(|| DomainError::not_found("user not found"))?;
    let guest = room_id.is_some_and(|room| {
        view.receiver_seat.as_ref().is_some_and(|(r, _)| r == room)
            && view.room.as_ref().is_some_and(|r| r.host_id != receiver_id)
    });
    if receiver.role != Role::Host && !guest {
        return Err(DomainError::invalid(
            "id: gifts can only be sent to hosts, or in a room to a guest on one of its seats",
        ));
    }
    if receiver.banned {
        return Err(DomainError::not_found("this host is not available"));
    }
    if sender.banned {
        return Err(DomainError::banned());
    }
    if room_id.is_some() {
        match &view.room {
            None => return Err(DomainError::not_found("room not found")),
            Some(r) if r.host_id != receiver_id && !guest => {
                return Err(DomainError::invalid("room_id: that room belongs to another host"));
            }
            Some(r) if !r.live => return Err(DomainError::conflict("room_ended", "this room has ended")),
            Some(_) => {}
        }
    }
    let gift = view.gift.as_ref().ok_or_else(|| DomainError::not_found("gift not found"))?;
    if !gift.active {
        return Err(DomainError::conflict("gift_retired", "this gift is no longer available"));
    }
    if shown_price.is_some_and(|p| p != gift.price_coins) {
        let e = DomainError::conflict("price_changed", format!("this gift now costs {} coins each", gift.price_coins));
        return Err(e.with("price_coins", gift.price_coins));
    }
    if gift.min_wealth_level > levels.wealth_level(sender.wealth_xp) {
        return Err(DomainError::new(
            ErrorKind::Forbidden,
            "level_too_low",
            format!(
                "this gift needs wealth level {}; yours is {}",
                gift.min_wealth_level,
                levels.wealth_level(sender.wealth_xp)
            ),
        ));
    }
    let total = gift.price_coins * quantity;
    crate::kernel::ledger::no_debt(sender.coin_debt)?;
    if gift.currency == GiftCurrency::Bonus {
        if sender.bonus_coins < total {
            return Err(DomainError::new(
                ErrorKind::Payment,
                "insufficient_bonus_coins",
                format!(
                    "this gift takes {total} bonus coins; you have {} (paid coins do not buy it)",
                    sender.bonus_coins
                ),
            ));
        }
    } else if sender.coins < total {
        return Err(DomainError::new(
            ErrorKind::Payment,
            "insufficient_coins",
            format!("this costs {total} coins; you have {} (bonus coins buy only bonus gifts)", sender.coins),
        ));
    }
    Ok((sender, gift, guest))
}

pub async fn send_gift_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<GiftSent>> {
    let caller = ctx.caller()?;
    let receiver = AccountId::parse("id", ctx.param("id")).map_err(|_| DomainError::not_found("user not found"))?;
    let idem = Idem::from_ctx(ctx)?;
    send_gift(state, &AccountId::known(&caller.id), &receiver, ctx.json()?, idem.as_ref()).await
}
