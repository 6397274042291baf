//! Agency commission: out of the platform's share, never the host's. An
//! agency's rate is the one an admin pinned, or a sub-agency's the one its
//! parent set, or else the tier its month's revenue reached (the gross of
//! its hosts' settlements and its direct sub-agencies' hosts'). A parent
//! earns its own rate minus a sub-agency's on that sub-agency's revenue.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::Agency;

use super::agency::{AgencyInput, Parent, agency_view, invite_agency, my_agency};
use crate::http::{Created, Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::{AppState, DomainError};

/// `[min_revenue_minor, commission_bps]`: 5 % below 50,000, 8 %, 10 %, 15 %, 18 %, 20 % from 5,000,000.
pub const DEFAULT_TIERS: [[i64; 2]; 6] =
    [[0, 500], [50_000, 800], [150_000, 1_000], [500_000, 1_500], [1_500_000, 1_800], [5_000_000, 2_000]];

pub async fn tiers(state: &AppState) -> DomainResult<Vec<[i64; 2]>> {
    Ok(state.db.get_agency_tiers().await?.unwrap_or_else(|| DEFAULT_TIERS.to_vec()))
}

/// The tier a revenue reached (index into `tiers`).
fn tier_of(tiers: &[[i64; 2]], revenue: i64) -> usize {
    tiers.iter().rposition(|[min, _]| revenue >= *min).unwrap_or(0)
}

/// An agency's month so far.
pub struct Standing {
    pub month: String,
    /// Its own hosts' settled gross plus its sub-agencies'.
    pub revenue_minor: i64,
    pub commission_bps: i64,
    /// pinned (an admin's), parent (a sub-agency's, set by its parent) or tier
    pub source: &'static str,
    pub tier: usize,
    pub subs: Vec<(Agency, i64)>,
}

/// Where `a` stands in the month of `at`.
pub async fn standing(state: &AppState, a: &Agency, at: i64) -> DomainResult<Standing> {
    let month = crate::kernel::calendar::month_of(at);
    let (from, to) = crate::kernel::calendar::month_bounds(&month).unwrap_or_default();
    let own = state.db.agency_revenue(&a.id, from, to).await?;
    let mut subs = Vec::new();
    if a.parent_id.is_none() {
        for sub in state.db.sub_agencies(&a.id).await? {
            let r = state.db.agency_revenue(&sub.id, from, to).await?;
            subs.push((sub, r));
        }
    }
    let revenue = own + subs.iter().map(|(_, r)| r).sum::<i64>();
    let tiers = tiers(state).await?;
    let tier = tier_of(&tiers, revenue);
    let (commission_bps, source) = match (a.sub_commission_bps, a.commission_percent) {
        (Some(bps), _) => (bps, "parent"),
        (None, Some(p)) => (p * 100, "pinned"),
        (None, None) => (tiers.get(tier).map_or(0, |t| t[1]), "tier"),
    };
    Ok(Standing { month, revenue_minor: revenue, commission_bps, source, tier, subs })
}

/// One tier of the agency commission table.
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct AgencyTier {
    /// The month's revenue (settled gross, minor units) the tier starts at
    #[schema(minimum = 0)]
    pub min_revenue_minor: i64,
    #[schema(minimum = 0, maximum = 4000)]
    pub commission_bps: i64,
}

/// `GET /admin/agency-tiers`.
pub async fn get_agency_tiers_http(state: &AppState, _ctx: &Ctx) -> DomainResult<Json<Vec<AgencyTier>>> {
    let t = tiers(state).await?;
    Ok(Json::new(t.iter().map(|[m, c]| AgencyTier { min_revenue_minor: *m, commission_bps: *c }).collect()))
}

/// `PUT /admin/agency-tiers [{min_revenue_minor, commission_bps}]`: the
/// first at 0, each higher than the one before in both.
pub async fn put_agency_tiers_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Vec<AgencyTier>>> {
    let input: Vec<AgencyTier> = ctx.json_list()?;
    if input.is_empty() || input.len() > 20 {
        return Err(DomainError::invalid("body: 1 to 20 tiers"));
    }
    if input[0].min_revenue_minor != 0 {
        return Err(DomainError::invalid("[0].min_revenue_minor: the first tier starts at 0"));
    }
    for (i, t) in input.iter().enumerate() {
        if !(0..=4_000).contains(&t.commission_bps) {
            return Err(DomainError::invalid(format!(
                "[{i}].commission_bps: 0 to 4,000 (out of the platform's share)"
            )));
        }
        if !(0..=1_000_000_000_000).contains(&t.min_revenue_minor) {
            return Err(DomainError::invalid(format!("[{i}].min_revenue_minor: 0 to 1,000,000,000,000")));
        }
        if i > 0
            && (t.min_revenue_minor <= input[i - 1].min_revenue_minor || t.commission_bps < input[i - 1].commission_bps)
        {
            return Err(DomainError::invalid(format!("[{i}]: tiers rise in revenue, and never fall in commission")));
        }
    }
    let before = tiers(state).await?;
    let table: Vec<[i64; 2]> = input.iter().map(|t| [t.min_revenue_minor, t.commission_bps]).collect();
    state.db.put_agency_tiers(&table, state.now()).await?;
    let before: Vec<AgencyTier> =
        before.iter().map(|[m, c]| AgencyTier { min_revenue_minor: *m, commission_bps: *c }).collect();
    Ok(Json::new(input).with_before(before))
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyNextTier {
    pub min_revenue_minor: i64,
    pub commission_bps: i64,
    /// Revenue still to settle this month to reach it
    pub gap_minor: i64,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubAgencyMonth {
    pub id: String,
    pub name: String,
    /// invited or active
    pub status: String,
    pub revenue_minor: i64,
    /// The commission the parent set for it
    pub commission_bps: i64,
    /// What the parent earns on it: its own rate minus this, on this revenue (never below 0)
    pub override_minor: i64,
}

/// An agency's month.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyMonth {
    pub month: String,
    /// Its hosts' settled gross this month, its sub-agencies' included (minor units)
    pub revenue_minor: i64,
    /// The commission rate now (basis points of gross)
    pub commission_bps: i64,
    /// pinned (by an admin), parent (set by its parent agency) or tier
    pub commission_source: &'static str,
    /// The tier reached (1 = the first), with the table's rate
    pub tier: i64,
    /// The next tier and what is missing (null at the top, or when the rate is not the tiers')
    pub next_tier: Option<AgencyNextTier>,
    pub sub_agencies: Vec<SubAgencyMonth>,
    pub currency: String,
}

/// `GET /agency/month`: this month so far.
pub async fn get_agency_month_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AgencyMonth>> {
    let a = my_agency(state, ctx).await?;
    let s = standing(state, &a, state.now()).await?;
    let table = tiers(state).await?;
    let next = table.get(s.tier + 1).filter(|_| s.source == "tier").map(|[min, bps]| AgencyNextTier {
        min_revenue_minor: *min,
        commission_bps: *bps,
        gap_minor: (min - s.revenue_minor).max(0),
    });
    let sub_agencies = s
        .subs
        .iter()
        .map(|(sub, revenue)| {
            let bps = sub.sub_commission_bps.unwrap_or(0);
            SubAgencyMonth {
                id: sub.id.clone(),
                name: sub.name.clone(),
                status: sub.status.clone(),
                revenue_minor: *revenue,
                commission_bps: bps,
                override_minor: revenue * (s.commission_bps - bps).max(0) / 10_000,
            }
        })
        .collect();
    Ok(Json::new(AgencyMonth {
        month: s.month,
        revenue_minor: s.revenue_minor,
        commission_bps: s.commission_bps,
        commission_source: s.source,
        tier: s.tier as i64 + 1,
        next_tier: next,
        sub_agencies,
        currency: state.config.settlement_currency.clone(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubAgencyInput {
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    pub owner_email: String,
    /// The sub-agency's commission, basis points of its hosts' gross (0 to the parent's own tier top)
    #[schema(minimum = 0, maximum = 4000)]
    pub commission_bps: i64,
}

/// `POST /agency/sub-agencies`: invites a sub-agency (one level: a
/// sub-agency invites none); its owner accepts like any agency's.
pub async fn create_sub_agency_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<super::agency::AgencyView>> {
    let input: SubAgencyInput = ctx.json()?;
    let parent = my_agency(state, ctx).await?;
    if parent.parent_id.is_some() {
        return Err(DomainError::conflict("sub_agency_limit", "a sub-agency cannot invite sub-agencies of its own"));
    }
    if !(0..=4_000).contains(&input.commission_bps) {
        return Err(DomainError::invalid("commission_bps: 0 to 4,000"));
    }
    let agency_input =
        AgencyInput { name: input.name, owner_email: input.owner_email, commission_percent: None, code: None };
    let invited =
        invite_agency(state, agency_input, Some(Parent { agency: &parent, commission_bps: input.commission_bps }))
            .await?;
    let mut view = agency_view(&invited.agency);
    view.owner_account_exists = Some(invited.account_exists);
    Ok(Created::new(view))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revenue_reaches_the_highest_tier_it_passes() {
        assert_eq!(tier_of(&DEFAULT_TIERS, 0), 0);
        assert_eq!(tier_of(&DEFAULT_TIERS, 49_999), 0);
        assert_eq!(tier_of(&DEFAULT_TIERS, 50_000), 1);
        assert_eq!(tier_of(&DEFAULT_TIERS, 9_999_999), 5);
    }
}
