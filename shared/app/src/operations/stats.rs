//! The admin dashboard's numbers: `GET /admin/stats?days=N` from the sharded
//! day counters and totals that every money transaction writes (`store::stats`).

use crate::AppState;
use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;

/// One UTC day's platform counters (or their sums over a period).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsDay {
    /// `yyyy-mm-dd` (of a period: its first day)
    pub day: String,
    /// Accounts created.
    pub new_users: i64,
    /// Coins credited by paid recharges, bonus included.
    pub coins_sold: i64,
    /// Paid recharges credited.
    pub recharges: i64,
    /// Coins granted by admins (corrections count negative).
    pub coins_granted: i64,
    /// Gift sends.
    pub gifts_sent: i64,
    /// Coins spent on gifts.
    pub gift_coins: i64,
    /// Call minutes billed to callers and passed to hosts.
    pub call_minutes: i64,
    /// Coins hosts earned from gifts and calls.
    pub host_earnings: i64,
    /// Host earnings settled.
    pub settled_coins: i64,
    /// Coins refunds and chargebacks took back (reversals count negative).
    pub coins_refunded: i64,
}

impl From<store::DayStats> for StatsDay {
    fn from(d: store::DayStats) -> Self {
        StatsDay {
            day: d.day,
            new_users: d.new_users,
            coins_sold: d.coins_sold,
            recharges: d.recharges,
            coins_granted: d.coins_granted,
            gifts_sent: d.gifts_sent,
            gift_coins: d.gift_coins,
            call_minutes: d.call_minutes,
            host_earnings: d.host_earnings,
            settled_coins: d.settled_coins,
            coins_refunded: d.coins_refunded,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminStats {
    /// How many days the series covers (today included).
    pub days: i64,
    pub today: StatsDay,
    /// Sums over the whole series.
    pub period: StatsDay,
    /// One entry per day, oldest first, ending today (UTC).
    pub series: Vec<StatsDay>,
    /// Rooms live now.
    pub live_rooms: i64,
    /// Host earnings not settled yet (coins).
    pub unsettled_earnings: i64,
    /// Coins in all wallets.
    pub wallet_coins: i64,
    /// Coins owed after refunds, over all accounts.
    pub coin_debt: i64,
    /// Bonus coins in all wallets (promotional: never cashed out).
    pub bonus_coins: i64,
    /// What hosts were paid for bonus gifts, ever: the platform's promotion expense (coins).
    pub promo_expense: i64,
    /// Paid coins spent on what no one earns (VIP), ever: the platform's revenue in coins.
    pub platform_revenue: i64,
    /// Coins of purchases refunded after the clawback hold that hosts had already earned: the platform bears them (hosts keep their pay)
    pub chargeback_loss: i64,
    /// Money hosts and agencies may withdraw now, over all accounts (minor units)
    pub payable_minor: i64,
}

pub async fn get_admin_stats_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AdminStats>> {
    let days = crate::kernel::validate::days(ctx.query.get("days"))?;
    Ok(Json::new(admin_stats(state, days).await?))
}

pub async fn admin_stats(state: &AppState, days: i64) -> DomainResult<AdminStats> {
    let now = state.now();
    let names: Vec<String> = (0..days).rev().map(|i| store::day_of(now - i * 86_400_000)).collect();
    let (series, totals, live_rooms) =
        tokio::try_join!(state.db.day_stats(&names), state.db.stats_totals(), state.db.count_live_rooms())?;
    let mut period = store::DayStats { day: names[0].clone(), ..Default::default() };
    series.iter().for_each(|d| period.add(d));
    let today = series.last().cloned().unwrap_or_default();
    Ok(AdminStats {
        days,
        today: today.into(),
        period: period.into(),
        series: series.into_iter().map(StatsDay::from).collect(),
        live_rooms,
        unsettled_earnings: totals.unsettled_earnings,
        wallet_coins: totals.wallet_coins,
        coin_debt: totals.coin_debt,
        bonus_coins: totals.bonus_coins,
        promo_expense: totals.promo_expense,
        platform_revenue: totals.platform_revenue,
        chargeback_loss: totals.chargeback_loss,
        payable_minor: totals.payable_minor,
    })
}
