//! `GET /leaderboards/{gifters|hosts}?period=day|week|all&room_id=`: the top
//! 50 by coins in the period (UTC day, ISO week, all time), merged from the
//! board's shards, with the caller's own rank. With `room_id`, the room's
//! board over its life: its gifters, or its host.

use store::{BoardKind, Period};

use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::Person;
use crate::{AppState, DomainError};

pub const TOP: usize = 50;

/// One place on a board.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Place {
    /// 1 for the most coins; equal coins share a rank
    pub rank: i64,
    #[serde(flatten)]
    pub person: Person,
    pub coins: i64,
}

/// The caller's own standing.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyPlace {
    /// Absent when the caller has no coins on this board
    pub rank: Option<i64>,
    pub coins: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Leaderboard {
    /// gifters or hosts
    #[schema(schema_with = crate::kernel::vocab::board)]
    pub board: &'static str,
    /// day, week or all
    #[schema(schema_with = crate::kernel::vocab::period)]
    pub period: &'static str,
    /// The day (`2026-11-30`) or ISO week (`2026-W48`) shown, UTC; absent for all time
    pub bucket: Option<String>,
    pub room_id: Option<String>,
    /// Top 50, most coins first
    pub items: Vec<Place>,
    pub me: MyPlace,
}

pub async fn get_leaderboard_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Leaderboard>> {
    let caller = ctx.caller()?;
    let kind = match ctx.param("kind") {
        "gifters" => BoardKind::Gifters,
        "hosts" => BoardKind::Hosts,
        _ => return Err(DomainError::not_found("no such leaderboard: gifters or hosts")),
    };
    let room_id = ctx.query.get("room_id").filter(|r| !r.is_empty()).map(|r| validate::id("room_id", r)).transpose()?;
    let period_name = ctx.query.get("period").map_or(if room_id.is_some() { "all" } else { "day" }, String::as_str);
    let (period, period_name) = match period_name {
        "day" => (Period::Day, "day"),
        "week" => (Period::Week, "week"),
        "all" => (Period::All, "all"),
        _ => return Err(DomainError::invalid("period: day, week or all")),
    };
    let now = state.now();
    let (rows, bucket) = match &room_id {
        Some(room_id) => {
            if period != Period::All {
                return Err(DomainError::invalid("period: a room's board covers the room's life; use all"));
            }
            let room = state.db.get_room(room_id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
            let rows = match kind {
                BoardKind::Gifters => state.db.top_gifters(room_id, TOP).await?,
                BoardKind::Hosts => {
                    vec![(room.host_id.clone(), room.host_earning)].into_iter().filter(|r| r.1 > 0).collect()
                }
            };
            (rows, None)
        }
        None => {
            let bucket = match period {
                Period::Day => Some(store::day_of(now)),
                Period::Week => Some(store::week_of(now)),
                Period::All => None,
            };
            (state.db.board_top(kind, period, now, TOP).await?, bucket)
        }
    };
    let ranks = crate::kernel::views::ranks(&rows.iter().map(|r| r.1).collect::<Vec<_>>());
    let people = state.db.get_accounts(&rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>()).await?;
    let levels = state.levels().await?;
    let items: Vec<Place> = rows
        .iter()
        .zip(&ranks)
        .filter_map(|((id, coins), rank)| {
            let a = people.iter().find(|a| &a.id == id)?;
            Some(Place { rank: *rank, person: crate::kernel::views::person(a, &levels), coins: *coins })
        })
        .collect();
    let me = match items.iter().find(|p| p.person.id == caller.id) {
        Some(p) => MyPlace { rank: Some(p.rank), coins: p.coins },
        None => {
            let (coins, above) = match (&room_id, kind) {
                (Some(room), BoardKind::Gifters) => state.db.room_gifter_standing(room, &caller.id).await?,
                (Some(_), BoardKind::Hosts) => (0, 0),
                (None, _) => {
                    let coins = state.db.get_board_entry(kind, &caller.id).await?.map_or(0, |e| e.coins(period, now));
                    let above = if coins > 0 { state.db.board_count_above(kind, period, now, coins).await? } else { 0 };
                    (coins, above)
                }
            };
            MyPlace { rank: (coins > 0).then_some(above + 1), coins }
        }
    };
    Ok(Json::new(Leaderboard { board: kind.as_str(), period: period_name, bucket, room_id, items, me }))
}
