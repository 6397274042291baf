//! `GET /leaderboards/pk?period=day|week`: hosts by PK wins, then score, in
//! the UTC day or ISO week (the boards a battle's result writes, `store::Db::finish_pk`).

use serde::Serialize;
use utoipa::ToSchema;

use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::{AppState, DomainError};

/// The board shows this many hosts.
pub const BOARD_TOP: usize = 50;

/// One host's line on the PK board.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PkPlace {
    /// 1 for the most wins (then the higher score); equal wins and score share a rank
    pub rank: i64,
    pub id: String,
    pub name: String,
    pub avatar_id: Option<String>,
    pub wins: i64,
    pub battles: i64,
    /// Coins scored over the period's battles
    pub score: i64,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PkBoard {
    /// day or week
    pub period: String,
    /// The day (`2026-12-04`) or ISO week (`2026-W49`) shown, UTC
    pub bucket: String,
    /// Top 50 by wins, then score
    pub items: Vec<PkPlace>,
}

pub async fn pk_leaderboard_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PkBoard>> {
    ctx.caller()?;
    let now = state.now();
    let (period, bucket) = match ctx.query.get("period").map_or("day", String::as_str) {
        "day" => ("day", store::day_of(now)),
        "week" => ("week", store::week_of(now)),
        _ => return Err(DomainError::invalid("period: day or week")),
    };
    let rows = state.db.pk_board(&format!("{period}#{bucket}"), BOARD_TOP).await?;
    let people = state.db.get_accounts(&rows.iter().map(|r| r.host_id.clone()).collect::<Vec<_>>()).await?;
    // Equal wins and score share a rank.
    let ranks = crate::kernel::views::ranks(&rows.iter().map(|r| (r.wins, r.score)).collect::<Vec<_>>());
    let items = rows
        .iter()
        .zip(ranks)
        .filter_map(|(r, rank)| {
            let a = people.iter().find(|a| a.id == r.host_id)?;
            Some(PkPlace {
                rank,
                id: r.host_id.clone(),
                name: a.name.clone(),
                avatar_id: a.avatar_id.clone(),
                wins: r.wins,
                battles: r.battles,
                score: r.score,
            })
        })
        .collect();
    Ok(Json::new(PkBoard { period: period.into(), bucket, items }))
}
