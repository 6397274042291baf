//! Settlements of host earnings, by a host's agency or an admin, and the
//! host's dashboard.
//!
//! Settlement arithmetic (all integers, minor units): gross = coins ×
//! COIN_VALUE_MINOR; the host's payout = ⌊gross × host_share_bps / 10,000⌋
//! (the platform's setting, whatever the agency); the agency's commission =
//! ⌊gross × commission_bps / 10,000⌋ out of what is left; the platform's fee
//! is the rest, so fee + commission + payout = gross always. The payout is
//! credited to the host's `payable_minor` in the settlement's transaction;
//! the commission is paid by the agency's month statement.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::{Agency, Balance, Role, Settings, Settlement};

use super::agency::{agency_by_param, my_agency};
use crate::http::{CreatedOrPreview, Ctx, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::{self, Names};
use crate::{AppState, DomainError};

/// How a settlement's gross splits; see the module comment for the rounding.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct Split {
    pub gross: i64,
    pub fee: i64,
    pub commission: i64,
    pub payout: i64,
}

pub fn split(coins: i64, coin_value_minor: i64, host_share_bps: i64, commission_bps: i64) -> Split {
    let gross = coins * coin_value_minor;
    let payout = gross * host_share_bps / 10_000;
    let commission = (gross * commission_bps / 10_000).min(gross - payout);
    Split { gross, fee: gross - payout - commission, commission, payout }
}

/// A host's settlement: coins out of earnings, split into fee, commission and payout (minor units).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementView {
    pub id: String,
    pub host_id: String,
    /// The host's display name (null when the account is gone)
    pub host_name: Option<String>,
    /// None: a host without an agency, settled by an admin
    pub agency_id: Option<String>,
    /// An admin's settlement of a whole agency
    pub batch_id: Option<String>,
    pub coins: i64,
    pub gross_minor: i64,
    pub platform_fee_minor: i64,
    pub agency_commission_minor: i64,
    pub host_payout_minor: i64,
    pub currency: String,
    /// The platform's part of gross, in whole percent (rounded down)
    pub platform_fee_percent: i64,
    /// The agency's commission, in whole percent of gross (rounded down)
    pub commission_percent: i64,
    /// Basis points of gross paid to the host's `payable_minor`
    pub host_share_bps: i64,
    /// Basis points of gross the agency's commission took
    pub commission_bps: i64,
    /// RFC 3339: earnings credited up to this are settled
    #[schema(format = DateTime)]
    pub cutoff: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// 201 with the settlement made, or 200 with the one a preview would make.
async fn settled(state: &AppState, st: Settlement, preview: bool) -> DomainResult<CreatedOrPreview<SettlementView>> {
    let names = Names::of(&state.db, [st.host_id.as_str()]).await?;
    let view = CreatedOrPreview::new(settlement_view(&st, &names));
    Ok(if preview { view.also() } else { view })
}

pub fn settlement_view(s: &Settlement, names: &Names) -> SettlementView {
    SettlementView {
        id: s.id.clone(),
        host_id: s.host_id.clone(),
        host_name: names.get(&s.host_id),
        agency_id: s.agency_id.clone(),
        batch_id: s.batch_id.clone(),
        coins: s.coins,
        gross_minor: s.gross_minor,
        platform_fee_minor: s.platform_fee_minor,
        agency_commission_minor: s.agency_commission_minor,
        host_payout_minor: s.host_payout_minor,
        currency: s.currency.clone(),
        platform_fee_percent: s.platform_fee_percent,
        commission_percent: s.commission_percent,
        host_share_bps: s.host_share_bps,
        commission_bps: s.commission_bps,
        cutoff: views::time(s.cutoff),
        created_at: views::time(s.created_at),
    }
}

/// An admin's settlement of an agency: the sums and each host's line.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchView {
    /// The batch id (each line's `batch_id`)
    pub id: String,
    pub agency_id: String,
    pub coins: i64,
    pub gross_minor: i64,
    pub platform_fee_minor: i64,
    pub agency_commission_minor: i64,
    pub host_payout_minor: i64,
    pub currency: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub cutoff: String,
    pub hosts: Vec<SettlementView>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleInput {
    /// RFC 3339; earnings credited up to and including it are settled.
    /// Default, and latest: now less the clawback hold (`clawback_hold_days`, 7).
    #[schema(format = DateTime)]
    pub cutoff: Option<String>,
    /// true: answer 200 with what would be settled, and settle nothing
    pub preview: Option<bool>,
}

/// The cut-off, and whether this is a preview (nothing written).
fn cutoff(state: &AppState, ctx: &Ctx, settings: &Settings) -> DomainResult<(i64, bool)> {
    let input: SettleInput =
        if ctx.body.iter().all(u8::is_ascii_whitespace) { SettleInput::default() } else { ctx.json()? };
    let now = state.now();
    let latest = now - settings.clawback_hold_days * 86_400_000;
    let preview = input.preview.unwrap_or(false);
    match input.cutoff {
        None => Ok((latest, preview)),
        Some(c) => {
            let t = chrono::DateTime::parse_from_rfc3339(&c)
                .map_err(|_| DomainError::invalid("cutoff: an RFC 3339 time"))?
                .timestamp_millis();
            if t > now {
                Err(DomainError::invalid("cutoff: cannot be in the future"))
            } else {
                Ok((t.min(latest), preview))
            }
        }
    }
}

/// Settles what `host_id` earned under `agency` (at its commission rate, in
/// basis points) up to `cutoff`, or with no
/// agency what a host in none earned since leaving one (the former agency's
/// claim aside: that agency settles it): `None` when there is nothing (left)
/// to settle. A `preview` answers the settlement it would write and writes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn settle_host(
    state: &AppState,
    settings: &Settings,
    agency: Option<(&Agency, i64)>,
    host_id: &str,
    cutoff: i64,
    by: &str,
    batch_id: Option<&str>,
    preview: bool,
) -> DomainResult<Option<Settlement>> {
    let mut retry = state.db.retry();
    while retry.attempt().await {
        let host = state.db.get_account(host_id).await?.ok_or_else(|| DomainError::not_found("host not found"))?;
        let former = match agency.map(|(a, _)| a) {
            Some(a) if host.agency_id.as_deref() == Some(a.id.as_str()) => None,
            Some(a) if host.former_agency_id.as_deref() == Some(a.id.as_str()) && host.former_agency_coins > 0 => {
                Some(host.former_agency_coins)
            }
            Some(_) => return Err(DomainError::not_found("not a host of this agency")),
            None if host.role != Role::Host => return Err(DomainError::not_found("host not found")),
            None if host.agency_id.is_some() => {
                return Err(DomainError::conflict("host_in_agency", "this host belongs to an agency: it settles them"));
            }
            None => None,
        };
        let credited_after = state.db.earnings_credited_after(host_id, cutoff).await?;
        let due = (host.earnings - credited_after).max(0);
        let coins = match (agency.map(|(a, _)| a), former) {
            (_, Some(claim)) => due.min(claim),
            (None, None) => (due - host.former_agency_coins).max(0),
            (Some(_), None) => due,
        };
        if coins == 0 {
            return Ok(None);
        }
        let now = state.now();
        let cfg = &state.config;
        let commission_bps = agency.map_or(0, |(_, bps)| bps);
        let sp = split(coins, cfg.coin_value_minor, settings.host_share_bps, commission_bps);
        let percent = |part: i64| if sp.gross == 0 { 0 } else { part * 100 / sp.gross };
        let st = Settlement {
            id: crate::kernel::ledger::entry_id(now),
            host_id: host_id.to_string(),
            agency_id: agency.map(|(a, _)| a.id.clone()),
            batch_id: batch_id.map(String::from),
            coins,
            gross_minor: sp.gross,
            platform_fee_minor: sp.fee,
            agency_commission_minor: sp.commission,
            host_payout_minor: sp.payout,
            currency: cfg.settlement_currency.clone(),
            platform_fee_percent: percent(sp.fee),
            commission_percent: percent(sp.commission),
            host_share_bps: settings.host_share_bps,
            commission_bps,
            cutoff,
            created_by: by.to_string(),
            created_at: now,
        };
        if preview {
            return Ok(Some(st));
        }
        let mut entry = store::LedgerEntry::new(host_id, "settlement", Balance::Earnings, -coins, None, now);
        entry.counterparty_id = agency.map(|(a, _)| a.owner_id.clone());
        entry.reason = Some(format!("settlement {}", st.id));
        let mut payout = store::LedgerEntry::new(host_id, "settlement_payout", Balance::Payable, sp.payout, None, now);
        payout.reason = entry.reason.clone();
        match state.db.settle_host(&st, host.settled_earnings, &entry, &payout, former).await {
            Ok(()) => {
                let body = format!("{coins} coins settled: {} {} to you", st.host_payout_minor, st.currency);
                let data = [("settlement_id", st.id.as_str()), ("coins", &coins.to_string())];
                state
                    .notifier
                    .send(crate::kernel::notices::note(host_id, "settlement", "Earnings settled", body, &data))
                    .await;
                return Ok(Some(st));
            }
            // Earnings moved (a gift, a call minute, another settlement): read again.
            Err(store::Error::Condition("balance_changed")) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(DomainError::unavailable("this host's earnings are busy; try again"))
}

fn nothing() -> DomainError {
    DomainError::conflict("nothing_to_settle", "no unsettled earnings up to this cut-off")
}

/// The agency settles one of its hosts (or a former host it still owes).
pub async fn create_host_settlement_http(
    state: &AppState,
    ctx: &Ctx,
) -> DomainResult<CreatedOrPreview<SettlementView>> {
    let agency = my_agency(state, ctx).await?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("not a host of this agency"))?;
    let settings = state.db.get_settings().await?;
    let (cutoff, preview) = cutoff(state, ctx, &settings)?;
    let bps = super::tiers::standing(state, &agency, state.now()).await?.commission_bps;
    let st = settle_host(state, &settings, Some((&agency, bps)), &id, cutoff, &ctx.caller()?.id, None, preview)
        .await?
        .ok_or_else(nothing)?;
    settled(state, st, preview).await
}

/// An admin settles a host who belongs to no agency (removed from one):
/// what they earned since, at no commission.
pub async fn create_admin_host_settlement_http(
    state: &AppState,
    ctx: &Ctx,
) -> DomainResult<CreatedOrPreview<SettlementView>> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("host not found"))?;
    let settings = state.db.get_settings().await?;
    let (cutoff, preview) = cutoff(state, ctx, &settings)?;
    let st = settle_host(state, &settings, None, &id, cutoff, &ctx.caller()?.id, None, preview)
        .await?
        .ok_or_else(nothing)?;
    settled(state, st, preview).await
}

/// An admin settles every host of an agency (and former hosts it owes), one
/// transaction per host; the answer sums them.
pub async fn create_agency_settlement_http(state: &AppState, ctx: &Ctx) -> DomainResult<CreatedOrPreview<BatchView>> {
    let agency = agency_by_param(state, ctx).await?;
    let settings = state.db.get_settings().await?;
    let (cutoff, preview) = cutoff(state, ctx, &settings)?;
    let by = ctx.caller()?.id.clone();
    let batch = crate::kernel::ledger::entry_id(state.now());
    let bps = super::tiers::standing(state, &agency, state.now()).await?.commission_bps;
    let mut hosts = state.db.agency_host_ids(&agency.id).await?;
    hosts.extend(state.db.former_host_ids(&agency.id).await?);
    let mut lines = Vec::new();
    for h in &hosts {
        if let Some(st) =
            settle_host(state, &settings, Some((&agency, bps)), h, cutoff, &by, Some(&batch), preview).await?
        {
            lines.push(st);
        }
    }
    if lines.is_empty() {
        return Err(nothing());
    }
    let sum = |f: fn(&Settlement) -> i64| lines.iter().map(f).sum::<i64>();
    let names = Names::of(&state.db, lines.iter().map(|s| s.host_id.as_str())).await?;
    let view = CreatedOrPreview::new(BatchView {
        id: batch,
        agency_id: agency.id.clone(),
        coins: sum(|s| s.coins),
        gross_minor: sum(|s| s.gross_minor),
        platform_fee_minor: sum(|s| s.platform_fee_minor),
        agency_commission_minor: sum(|s| s.agency_commission_minor),
        host_payout_minor: sum(|s| s.host_payout_minor),
        currency: state.config.settlement_currency.clone(),
        cutoff: views::time(cutoff),
        hosts: lines.iter().map(|s| settlement_view(s, &names)).collect(),
    });
    Ok(if preview { view.also() } else { view })
}

async fn settlements_page(
    state: &AppState,
    ctx: &Ctx,
    agency: Option<&str>,
    host: Option<&str>,
) -> DomainResult<Page<SettlementView>> {
    let scope = format!("settlements:{}:{}", agency.unwrap_or("*"), host.unwrap_or("*"));
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_settlements(agency, host, limit, start).await?;
    let names = Names::of(&state.db, page.items.iter().map(|s| s.host_id.as_str())).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(|s| settlement_view(s, &names)).collect(), page.next))
}

pub async fn list_agency_settlements_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<SettlementView>> {
    let agency = my_agency(state, ctx).await?;
    settlements_page(state, ctx, Some(&agency.id), None).await
}

pub async fn list_settlements_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<SettlementView>> {
    settlements_page(state, ctx, None, None).await
}

pub async fn list_my_settlements_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<SettlementView>> {
    let caller = ctx.caller()?;
    settlements_page(state, ctx, None, Some(&caller.id)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_adds_up_and_the_host_share_never_depends_on_the_commission() {
        // 333 coins at 1 paisa, host 60 %, commission 15 %: 199 (199.8) + 49 (49.95) + 85.
        assert_eq!(split(333, 1, 6_000, 1_500), Split { gross: 333, fee: 85, commission: 49, payout: 199 });
        assert_eq!(split(333, 1, 6_000, 2_000).payout, split(333, 1, 6_000, 0).payout);
        // 1 coin: nothing to take a share of; the platform keeps the rounding.
        assert_eq!(split(1, 1, 6_000, 1_500), Split { gross: 1, fee: 1, commission: 0, payout: 0 });
        // A commission above what is left is capped at it.
        assert_eq!(split(100, 1, 9_000, 2_000), Split { gross: 100, fee: 0, commission: 10, payout: 90 });
        for coins in [1, 2, 3, 7, 99, 101, 12345] {
            for (h, c) in [(0, 0), (6_000, 1_500), (3_333, 3_333), (9_900, 100), (10_000, 5_000)] {
                let s = split(coins, 7, h, c);
                assert_eq!(s.fee + s.commission + s.payout, s.gross, "{coins} {h} {c}");
                assert!(s.payout >= 0 && s.commission >= 0 && s.fee >= 0);
            }
        }
    }
}
