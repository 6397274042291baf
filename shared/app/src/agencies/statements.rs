//! An agency's month statement lines: the commission of each settlement, the
//! tier adjustment (a settlement takes the rate reached before it; the month's
//! final tier pays the difference on all of it), the override on each
//! sub-agency, and the bonus of each host that reached a target tier. They
//! add up to what the agency is paid when the statement is final.

use store::{Agency, StatementLine};

use super::tiers::standing;
use crate::AppState;
use crate::kernel::calendar;
use crate::kernel::error::DomainResult;

pub async fn agency_statement_lines(state: &AppState, a: &Agency, month: &str) -> DomainResult<Vec<StatementLine>> {
    let (from, to) = calendar::month_bounds(month).unwrap_or_default();
    let settlements = state.db.agency_settlements(&a.id, from, to).await?;
    let mut lines: Vec<StatementLine> = Vec::new();
    let mut line = |kind: &str, amount_minor: i64, ref_ids: Vec<String>, reason: String, day: Option<String>| {
        lines.push(StatementLine {
            id: format!("L{:05}", lines.len() + 1),
            kind: kind.into(),
            coins: 0,
            amount_minor,
            ref_ids,
            reason,
            day,
        })
    };
    for s in &settlements {
        let why = format!("settlement {} of host {}: {} bps of {}", s.id, s.host_id, s.commission_bps, s.gross_minor);
        line("commission", s.agency_commission_minor, vec![s.id.clone()], why, Some(store::day_of(s.created_at)));
    }
    // The month's rate, on the whole month's revenue.
    let month_end = standing(state, a, to - 1).await?;
    if month_end.source == "tier" {
        let due: i64 = settlements.iter().map(|s| s.gross_minor * month_end.commission_bps / 10_000).sum();
        let paid: i64 = settlements.iter().map(|s| s.agency_commission_minor).sum();
        if due > paid {
            let why =
                format!("the month's tier: {} bps on {} of revenue", month_end.commission_bps, month_end.revenue_minor);
            line("tier_adjustment", due - paid, settlements.iter().map(|s| s.id.clone()).collect(), why, None);
        }
    }
    for (sub, revenue) in &month_end.subs {
        let bps = (month_end.commission_bps - sub.sub_commission_bps.unwrap_or(0)).max(0);
        let amount = revenue * bps / 10_000;
        if amount > 0 {
            let why = format!("override on sub-agency {}: {} bps of its {} revenue", sub.name, bps, revenue);
            line("sub_agency_override", amount, vec![sub.id.clone()], why, None);
        }
    }
    let mut hosts = state.db.agency_host_ids(&a.id).await?;
    hosts.extend(state.db.former_host_ids(&a.id).await?);
    for h in hosts {
        let id = format!("{}-{h}", month.replace('-', ""));
        if let Some(st) = state.db.get_statement(&id).await?
            && st.agency_id.as_deref() == Some(a.id.as_str())
            && st.agency_bonus_minor > 0
        {
            let why = format!("host {h} reached tier {} of {month}", st.tier_reached);
            line("host_bonus", st.agency_bonus_minor, vec![st.id.clone()], why, None);
        }
    }
    Ok(lines)
}
