//! PK battles: two live hosts linked for a few minutes, by invitation or a
//! random match; each side's score is the coins of gifts sent into its room
//! between the start and the end (applied by the aggregator, by each gift's
//! own time); the side with more wins. The result is written once every gift
//! sent before the end is applied (`settle_pk`), with the PK boards and the
//! winner's bonus (`pk_winner_bonus_pct` of its score, from the platform).

use integrations::agora::RtcRole;
use serde::{Deserialize, Serialize};
use store::{Balance, LedgerEntry, PkBattle, PkInvitation, PkSide, PkWaiting, Role, WalletChange};
use utoipa::ToSchema;

use super::grants::{AgoraGrant, agora_grant};
use crate::http::{Accepted, Created, Ctx, Json, NoContent};
use crate::kernel::error::{DomainResult, ErrorKind};
use crate::kernel::ids::{AccountId, HostId};
use crate::kernel::notices::note;
use crate::kernel::views;
use crate::{AppState, DomainError};

pub const DEFAULT_DURATION_SECS: i64 = 300;
pub const DURATION_SECS: std::ops::RangeInclusive<i64> = 60..=900;
/// How long an invitation waits for its answer.
pub const INVITATION_SECS: i64 = 30;
/// A host waiting for a random match longer than this is taken off the queue.
pub const MATCH_WAIT_SECS: i64 = 60;
/// A relay token outlives the battle by this much (an extended end, a late hang-up).
pub const RELAY_MARGIN_SECS: i64 = 60;
pub const TOP_GIFTERS: usize = 3;

/// A PK invitation.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PkInvitationView {
    pub id: String,
    pub from_host_id: String,
    pub to_host_id: String,
    pub duration_secs: i64,
    #[schema(schema_with = crate::kernel::vocab::pk_invitation_state)]
    pub state: &'static str,
    /// RFC 3339: accept before this
    #[schema(format = DateTime)]
    pub expires_at: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// The battle it started, once accepted
    pub battle_id: Option<String>,
}

fn invitation_state(inv: &PkInvitation, now: i64) -> &'static str {
    match inv.state.as_str() {
        "pending" if now >= inv.expires_at => "expired",
        "pending" => "pending",
        "accepted" => "accepted",
        "declined" => "declined",
        _ => "cancelled",
    }
}

fn invitation_view(inv: &PkInvitation, now: i64) -> PkInvitationView {
    PkInvitationView {
        id: inv.id.clone(),
        from_host_id: inv.from_host_id.clone(),
        to_host_id: inv.to_host_id.clone(),
        duration_secs: inv.duration_secs,
        state: invitation_state(inv, now),
        expires_at: views::time(inv.expires_at),
        created_at: views::time(inv.created_at),
        battle_id: inv.battle_id.clone(),
    }
}

/// One of a side's top gifters.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PkGifter {
    pub account_id: String,
    pub name: String,
    pub coins: i64,
}

/// One side of a battle.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PkSideView {
    pub host_id: String,
    pub host_name: String,
    pub room_id: String,
    /// Coins of the gifts sent into this side's room during the battle (exact once applied)
    pub score: i64,
    pub top_gifters: Vec<PkGifter>,
}

/// A PK battle.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PkView {
    pub id: String,
    #[schema(schema_with = crate::kernel::vocab::pk_state)]
    pub state: &'static str,
    #[schema(format = DateTime)]
    pub started_at: String,
    /// RFC 3339: when it ends (or ended, if a host ended it early)
    #[schema(format = DateTime)]
    pub ends_at: String,
    pub sides: Vec<PkSideView>,
    /// The side with more coins once the result is final; null for a draw or before then
    pub winner_host_id: Option<String>,
    /// RFC 3339: when the result became final (every gift sent before the end applied); null before
    #[schema(format = DateTime)]
    pub result_at: Option<String>,
    /// Coins the winner got from the platform (`pk_winner_bonus_pct` of its score)
    pub bonus: i64,
    /// invitation or match
    pub source: String,
    /// A side's host only: a subscriber token for the other side's channel (the media relay)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<AgoraGrant>,
}

/// A battle as shown to `viewer`: names, top gifters, the relay grant for a side's host.
pub async fn pk_view(state: &AppState, b: &PkBattle, viewer: &str) -> DomainResult<PkView> {
    let tops = futures_util::future::try_join_all(
        b.sides.iter().map(|side| state.db.pk_top_gifters(&b.id, &side.host_id, TOP_GIFTERS)),
    )
    .await?;
    let mut ids: Vec<&str> = b.sides.iter().map(|s| s.host_id.as_str()).collect();
    ids.extend(tops.iter().flatten().map(|(id, _)| id.as_str()));
    let names = views::Names::of(&state.db, ids).await?;
    let name = |id: &str| names.get(id).unwrap_or_default();
    let sides = b
        .sides
        .iter()
        .zip(tops)
        .map(|(side, top)| PkSideView {
            host_id: side.host_id.clone(),
            host_name: name(&side.host_id),
            room_id: side.room_id.clone(),
            score: side.score,
            top_gifters: top
                .into_iter()
                .map(|(id, coins)| PkGifter { name: name(&id), account_id: id, coins })
                .collect(),
        })
        .collect();
    let relay = match b.sides.iter().position(|s| s.host_id == viewer) {
        Some(mine) if b.state == "active" => {
            let other = &b.sides[1 - mine];
            let secs = (b.ends_at - state.now()) / 1000 + RELAY_MARGIN_SECS;
            Some(agora_grant(state, &other.channel, viewer, RtcRole::Subscriber, secs)?)
        }
        _ => None,
    };
    Ok(PkView {
        id: b.id.clone(),
        state: if b.state == "active" { "active" } else { "ended" },
        started_at: views::time(b.started_at),
        ends_at: views::time(b.ends_at),
        sides,
        winner_host_id: b.winner_host_id.clone(),
        result_at: b.result_at.map(views::time),
        bonus: b.bonus,
        source: b.source.clone(),
        relay,
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitePkInput {
    /// The live host invited
    pub host_id: String,
    /// 60 to 900; 300 when left out
    #[schema(minimum = 60, maximum = 900)]
    pub duration_secs: Option<i64>,
}

fn busy() -> DomainError {
    DomainError::conflict("host_busy", "one of the hosts is in a PK already")
}

fn not_live(who: &str) -> DomainError {
    DomainError::conflict("not_live", format!("{who} not live"))
}

/// The live room of `host` (409 `not_live` without one), and whether the host is in a PK now.
async fn live_and_free(state: &AppState, host: &str, who: &str) -> DomainResult<(String, String)> {
    let room_id = state.db.live_room_of(host).await?.ok_or_else(|| not_live(who))?;
    let room = state.db.get_room_item(&room_id).await?.filter(|r| r.live).ok_or_else(|| not_live(who))?;
    if let Some((_, ends_at)) = state.db.pk_of_host(host).await?
        && ends_at >= state.now()
    {
        return Err(busy());
    }
    Ok((room.id, room.channel))
}

async fn not_blocked_between(state: &AppState, a: &str, b: &str) -> DomainResult<()> {
    let (ab, ba) = futures_util::future::try_join(state.db.get_block(a, b), state.db.get_block(b, a)).await?;
    if ab.is_some() || ba.is_some() {
        return Err(DomainError::new(ErrorKind::Forbidden, "blocked", "one of you blocked the other"));
    }
    Ok(())
}

/// A live host invites another live host.
pub async fn invite_pk(
    state: &AppState,
    from: &HostId,
    input: InvitePkInput,
) -> DomainResult<Created<PkInvitationView>> {
    let to = AccountId::parse("host_id", &input.host_id)?;
    let duration = input.duration_secs.unwrap_or(DEFAULT_DURATION_SECS);
    if !DURATION_SECS.contains(&duration) {
        return Err(DomainError::invalid("duration_secs: a whole number from 60 to 900"));
    }
    if to.as_str() == from.as_str() {
        return Err(DomainError::invalid("host_id: you cannot invite yourself"));
    }
    let target = state.db.get_account(&to).await?;
    let target =
        target.filter(|a| a.role == Role::Host && !a.banned).ok_or_else(|| DomainError::not_found("host not found"))?;
    not_blocked_between(state, from, &target.id).await?;
    live_and_free(state, from, "you are").await?;
    live_and_free(state, &target.id, "that host is").await?;
    let now = state.now();
    let inv = PkInvitation {
        id: ulid::Ulid::new().to_string(),
        from_host_id: from.to_string(),
        to_host_id: target.id.clone(),
        duration_secs: duration,
        state: "pending".into(),
        expires_at: now + INVITATION_SECS * 1000,
        created_at: now,
        battle_id: None,
    };
    crate::http::limits::check(state, &[(&crate::http::limits::INVITES_PER_HOST, from.as_str())]).await?;
    match state.db.put_pk_invitation(&inv).await {
        Ok(()) => {}
        Err(store::Error::Condition("already_invited")) => {
            return Err(DomainError::conflict("already_invited", "an invitation between you two is waiting already"));
        }
        Err(e) => return Err(e.into()),
    }
    let inviter = state.db.get_account(from).await?.map(|a| a.name).unwrap_or_default();
    let minutes = duration / 60;
    let body = format!("{inviter} challenges you to a {minutes}-minute PK");
    let n =
        note(&target.id, "pk_invitation", "PK challenge", body, &[("invitation_id", &inv.id), ("from_host_id", from)]);
    state.notifier.send(n).await;
    Ok(Created::new(invitation_view(&inv, now)))
}

pub async fn invite_pk_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<PkInvitationView>> {
    let caller = ctx.caller()?;
    invite_pk(state, &HostId::known(&caller.id), ctx.json()?).await
}

async fn existing_invitation(state: &AppState, ctx: &Ctx) -> DomainResult<PkInvitation> {
    let missing = || DomainError::not_found("invitation not found");
    let id = crate::kernel::validate::id("id", ctx.param("id")).map_err(|_| missing())?;
    state.db.get_pk_invitation(&id).await?.ok_or_else(missing)
}

fn closed(inv: &PkInvitation, now: i64) -> DomainError {
    match invitation_state(inv, now) {
        "expired" => DomainError::conflict("invitation_expired", "this invitation has expired"),
        s => DomainError::conflict("invitation_closed", format!("this invitation was {s}")),
    }
}

/// A started battle.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PkStarted {
    pub battle: PkView,
}

/// The invitee accepts: the battle starts now.
pub async fn accept_pk_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<PkStarted>> {
    let caller = ctx.caller()?;
    let inv = existing_invitation(state, ctx).await?;
    if inv.to_host_id != caller.id {
        return Err(DomainError::not_found("invitation not found"));
    }
    let now = state.now();
    if invitation_state(&inv, now) != "pending" {
        return Err(closed(&inv, now));
    }
    not_blocked_between(state, &inv.from_host_id, &inv.to_host_id).await?;
    let inviter = live_and_free(state, &inv.from_host_id, "the inviting host is").await?;
    let me = live_and_free(state, &caller.id, "you are").await?;
    let b = new_battle(now, inv.duration_secs, [(&inv.from_host_id, inviter), (&caller.id, me)], "invitation");
    match state.db.start_pk(&b, Some(&inv), None).await {
        Ok(()) => {}
        Err(store::Error::Condition("host_busy")) => return Err(busy()),
        Err(store::Error::Condition("not_live")) => return Err(not_live("one of the hosts is")),
        Err(store::Error::Condition("invitation_closed")) => {
            let inv = state.db.get_pk_invitation(&inv.id).await?.unwrap_or(inv);
            return Err(closed(&inv, state.now()));
        }
        Err(e) => return Err(e.into()),
    }
    // Neither waits for a random match any more.
    for host in [&inv.from_host_id, &caller.id] {
        state.db.leave_pk_queue(host).await?;
    }
    let body = format!("{} accepted: the PK is on", caller_name(state, &caller.id).await?);
    state.notifier.send(note(&inv.from_host_id, "pk_started", "PK started", body, &[("battle_id", &b.id)])).await;
    Ok(Created::new(PkStarted { battle: pk_view(state, &b, &caller.id).await? }))
}

async fn caller_name(state: &AppState, id: &str) -> DomainResult<String> {
    Ok(state.db.get_account(id).await?.map(|a| a.name).unwrap_or_default())
}

fn new_battle(now: i64, duration_secs: i64, sides: [(&String, (String, String)); 2], source: &str) -> PkBattle {
    PkBattle {
        id: ulid::Ulid::new().to_string(),
        started_at: now,
        ends_at: now + duration_secs * 1000,
        state: "active".into(),
        sides: sides
            .into_iter()
            .map(|(host, (room_id, channel))| PkSide { host_id: host.clone(), room_id, channel, score: 0 })
            .collect(),
        ended_at: None,
        winner_host_id: None,
        result_at: None,
        bonus: 0,
        source: source.into(),
    }
}

async fn answer_invitation(state: &AppState, ctx: &Ctx, as_inviter: bool) -> DomainResult<Json<PkInvitationView>> {
    let caller = ctx.caller()?;
    let inv = existing_invitation(state, ctx).await?;
    let party = if as_inviter { &inv.from_host_id } else { &inv.to_host_id };
    if *party != caller.id {
        return Err(DomainError::not_found("invitation not found"));
    }
    let now = state.now();
    if invitation_state(&inv, now) != "pending" {
        return Err(closed(&inv, now));
    }
    let to = if as_inviter { "cancelled" } else { "declined" };
    match state.db.close_pk_invitation(&inv, to).await {
        Ok(()) => {}
        Err(store::Error::Condition("invitation_closed")) => {
            let inv = state.db.get_pk_invitation(&inv.id).await?.unwrap_or(inv);
            return Err(closed(&inv, now));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Json::new(invitation_view(&PkInvitation { state: to.into(), ..inv }, now)))
}

pub async fn decline_pk_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PkInvitationView>> {
    answer_invitation(state, ctx, false).await
}

pub async fn cancel_pk_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PkInvitationView>> {
    answer_invitation(state, ctx, true).await
}

/// Where the host stands: idle, waiting for a match, or in a battle.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PkCurrent {
    #[schema(schema_with = crate::kernel::vocab::pk_standing)]
    pub state: &'static str,
    /// The battle the host is in (or was just matched into)
    pub battle: Option<PkView>,
    /// Pending invitations to the host, newest first
    pub invitations: Vec<PkInvitationView>,
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchInput {
    /// 60 to 900; 300 when left out. A matched battle lasts the shorter of the two hosts' lengths
    #[schema(minimum = 60, maximum = 900)]
    pub duration_secs: Option<i64>,
}

/// Random match: pairs the host with the longest-waiting live host it may
/// meet (no block either way), or puts it on the queue (202 `waiting`). The
/// battle lasts the shorter of the two lengths asked. Two hosts who both
/// find the queue empty both join it and look again: the later look sees the
/// other, so simultaneous calls pair (one start wins, the other finds itself
/// matched).
pub async fn match_pk(state: &AppState, host: &HostId, input: MatchInput) -> DomainResult<Accepted<PkCurrent>> {
    let duration = input.duration_secs.unwrap_or(DEFAULT_DURATION_SECS);
    if !DURATION_SECS.contains(&duration) {
        return Err(DomainError::invalid("duration_secs: a whole number from 60 to 900"));
    }
    let mine = live_and_free(state, host, "you are").await?;
    let now = state.now();
    if let Some(matched) = pair_with_waiting(state, host, &mine, duration, now).await? {
        return Ok(matched);
    }
    let me = PkWaiting { host_id: host.to_string(), room_id: mine.0.clone(), since: now, duration_secs: duration };
    state.db.join_pk_queue(&me).await?;
    if let Some(matched) = pair_with_waiting(state, host, &mine, duration, now).await? {
        return Ok(matched);
    }
    // Paired meanwhile by a host that looked at the same moment.
    if let Some(matched) = matched_meanwhile(state, host).await? {
        return Ok(matched);
    }
    Ok(Accepted::new(PkCurrent { state: "waiting", battle: None, invitations: vec![] }))
}

/// The battle someone else's match just put `host` in, if any.
async fn matched_meanwhile(state: &AppState, host: &HostId) -> DomainResult<Option<Accepted<PkCurrent>>> {
    let Some((id, _)) = state.db.pk_of_host(host).await? else { return Ok(None) };
    let Some(b) = state.db.get_pk(&id).await?.filter(|b| b.state == "active" && b.ends_at > state.now()) else {
        return Ok(None);
    };
    let battle = Some(pk_view(state, &b, host).await?);
    Ok(Some(Accepted::new(PkCurrent { state: "matched", battle, invitations: vec![] })))
}

/// Starts a battle with the longest-waiting host `host` may meet, if any.
async fn pair_with_waiting(
    state: &AppState,
    host: &HostId,
    mine: &(String, String),
    duration: i64,
    now: i64,
) -> DomainResult<Option<Accepted<PkCurrent>>> {
    for w in state.db.pk_queue(50).await? {
        if w.host_id == host.as_str() || w.since < now - MATCH_WAIT_SECS * 1000 {
            continue;
        }
        if not_blocked_between(state, host, &w.host_id).await.is_err() {
            continue;
        }
        let Some(room) = state.db.get_room_item(&w.room_id).await?.filter(|r| r.live) else { continue };
        let b = new_battle(
            now,
            duration.min(w.duration_secs),
            [(&w.host_id, (room.id, room.channel)), (&host.to_string(), mine.clone())],
            "match",
        );
        match state.db.start_pk(&b, None, Some(&w.host_id)).await {
            Ok(()) => {
                state.db.leave_pk_queue(host).await?;
                let body = format!("Matched with {}: the PK is on", caller_name(state, host).await?);
                state.notifier.send(note(&w.host_id, "pk_started", "PK started", body, &[("battle_id", &b.id)])).await;
                let battle = Some(pk_view(state, &b, host).await?);
                return Ok(Some(Accepted::new(PkCurrent { state: "matched", battle, invitations: vec![] })));
            }
            // Someone else took them, or they went off air or into a battle: the next one.
            Err(store::Error::Condition("match_taken" | "not_live")) => continue,
            Err(store::Error::Condition("host_busy")) => {
                if let Some(matched) = matched_meanwhile(state, host).await? {
                    return Ok(Some(matched));
                }
                continue;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

pub async fn match_pk_http(state: &AppState, ctx: &Ctx) -> DomainResult<Accepted<PkCurrent>> {
    let caller = ctx.caller()?;
    let input = if ctx.body.iter().all(u8::is_ascii_whitespace) { MatchInput::default() } else { ctx.json()? };
    match_pk(state, &HostId::known(&caller.id), input).await
}

pub async fn leave_pk_match_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    state.db.leave_pk_queue(&caller.id).await?;
    Ok(NoContent::done())
}

/// The battle `id` as `reader` sees it. One of its hosts, or the schedule
/// (`None`), brings it up to date: ends it once its time is up, settles it
/// once its gifts are all applied. Anyone else sees it as it is, ended once
/// its time is up, so a crowd polling at the end writes nothing and checks
/// no pending events.
pub async fn fresh_pk(state: &AppState, id: &str, reader: Option<&str>) -> DomainResult<Option<PkBattle>> {
    let Some(mut b) = state.db.get_pk(id).await? else { return Ok(None) };
    let now = state.now();
    if reader.is_some_and(|r| !b.sides.iter().any(|s| s.host_id == r)) {
        if b.state == "active" && now >= b.ends_at {
            b.state = "ended".into();
        }
        return Ok(Some(b));
    }
    if b.state == "active" && now >= b.ends_at {
        match state.db.end_pk(&b, b.ends_at).await {
            Ok(()) | Err(store::Error::Condition("pk_ended")) => {}
            Err(e) => return Err(e.into()),
        }
        b = state.db.get_pk(id).await?.unwrap_or(b);
    }
    if b.state == "ended" && b.result_at.is_none() && settle_pk(state, &b).await? {
        b = state.db.get_pk(id).await?.unwrap_or(b);
    }
    Ok(Some(b))
}

/// Writes an ended battle's result if every gift sent before its end is
/// applied; answers whether the result is final now.
pub async fn settle_pk(state: &AppState, b: &PkBattle) -> DomainResult<bool> {
    let now = state.now();
    if b.state != "ended" || now < b.ends_at + state.config.pk_settle_ms {
        return Ok(false);
    }
    let rooms: Vec<&str> = b.sides.iter().map(|s| s.room_id.as_str()).collect();
    if state.db.gifts_pending_in(&rooms, b.ends_at).await? {
        return Ok(false);
    }
    // The scores as applied (read again: the aggregator may have just added).
    let Some(b) = state.db.get_pk(&b.id).await? else { return Ok(false) };
    let scores: Vec<(String, i64)> = b.sides.iter().map(|s| (s.host_id.clone(), s.score)).collect();
    let winner = match (scores.first(), scores.get(1)) {
        (Some(a), Some(c)) if a.1 > c.1 => Some(a.0.as_str()),
        (Some(a), Some(c)) if c.1 > a.1 => Some(c.0.as_str()),
        _ => None,
    };
    let pct = state.db.get_settings().await?.pk_winner_bonus_pct;
    // A winner banned or no longer a host keeps the result but takes neither the bonus nor the board's win.
    let winner_counts = match winner {
        Some(w) => state.db.get_account(w).await?.is_some_and(|a| a.role == Role::Host && !a.banned),
        None => false,
    };
    let bonus = winner.filter(|_| winner_counts).and_then(|w| {
        let score = scores.iter().find(|s| s.0 == w).map_or(0, |s| s.1);
        let coins = score * pct / 100;
        (coins > 0).then(|| {
            let entry = LedgerEntry {
                reason: Some(format!("pk:{}", b.id)),
                ..LedgerEntry::new(w, "pk_bonus", Balance::Earnings, coins, None, now)
            };
            WalletChange::add(entry)
        })
    });
    let buckets = vec![format!("day#{}", store::day_of(b.ends_at)), format!("week#{}", store::week_of(b.ends_at))];
    let result =
        store::PkResult { winner, winner_counts, scores: scores.clone(), bonus, buckets: buckets.clone(), now };
    match state.db.finish_pk(&b, result).await {
        Ok(()) | Err(store::Error::Condition("pk_finished")) => Ok(true),
        // Banned or demoted between the read and the write: the same, without the win.
        Err(store::Error::Condition("winner_ineligible" | "balance_changed")) if winner_counts => {
            let result =
                store::PkResult { winner, winner_counts: false, scores: scores.clone(), bonus: None, buckets, now };
            match state.db.finish_pk(&b, result).await {
                Ok(()) | Err(store::Error::Condition("pk_finished")) => Ok(true),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn get_pk_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PkView>> {
    let caller = ctx.caller()?;
    let missing = || DomainError::not_found("battle not found");
    let id = crate::kernel::validate::id("id", ctx.param("id")).map_err(|_| missing())?;
    let b = fresh_pk(state, &id, Some(&caller.id)).await?.ok_or_else(missing)?;
    Ok(Json::new(pk_view(state, &b, &caller.id).await?))
}

/// Either host ends the battle now, the scores as they stand.
pub async fn end_pk_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PkView>> {
    let caller = ctx.caller()?;
    let missing = || DomainError::not_found("battle not found");
    let id = crate::kernel::validate::id("id", ctx.param("id")).map_err(|_| missing())?;
    let b = state.db.get_pk(&id).await?.ok_or_else(missing)?;
    if !b.sides.iter().any(|s| s.host_id == caller.id) {
        return Err(DomainError::forbidden("only the battle's hosts can end it"));
    }
    if b.state == "active" {
        let at = state.now().min(b.ends_at);
        match state.db.end_pk(&b, at).await {
            Ok(()) | Err(store::Error::Condition("pk_ended")) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let b = fresh_pk(state, &id, Some(&caller.id)).await?.ok_or_else(missing)?;
    Ok(Json::new(pk_view(state, &b, &caller.id).await?))
}

/// Ends the host's battle now, if any (the host's room ended).
pub async fn end_pk_of(state: &AppState, host: &str) -> DomainResult<()> {
    let Some((id, _)) = state.db.pk_of_host(host).await? else { return Ok(()) };
    let Some(b) = state.db.get_pk(&id).await?.filter(|b| b.state == "active") else { return Ok(()) };
    match state.db.end_pk(&b, state.now().min(b.ends_at)).await {
        Ok(()) | Err(store::Error::Condition("pk_ended")) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

pub async fn current_pk_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PkCurrent>> {
    let caller = ctx.caller()?;
    let now = state.now();
    let invitations: Vec<PkInvitationView> = state
        .db
        .pk_invitations_to(&caller.id, 20)
        .await?
        .iter()
        .filter(|i| invitation_state(i, now) == "pending")
        .map(|i| invitation_view(i, now))
        .collect();
    if let Some((id, _)) = state.db.pk_of_host(&caller.id).await?
        && let Some(b) = fresh_pk(state, &id, Some(&caller.id)).await?
        && b.state == "active"
    {
        let battle = Some(pk_view(state, &b, &caller.id).await?);
        return Ok(Json::new(PkCurrent { state: "in_battle", battle, invitations }));
    }
    let waiting = state.db.pk_waiting(&caller.id).await?.is_some_and(|w| w.since >= now - MATCH_WAIT_SECS * 1000);
    Ok(Json::new(PkCurrent { state: if waiting { "waiting" } else { "idle" }, battle: None, invitations }))
}

/// `end-pk-battles`: ends the battles whose time is up and settles the ended
/// ones whose gifts are all applied; answers how many it settled.
pub async fn end_pk_battles(state: &AppState) -> DomainResult<usize> {
    let mut settled = 0;
    for b in state.db.open_pks(state.now(), 100).await? {
        if let Some(b) = fresh_pk(state, &b.id, None).await?
            && b.result_at.is_some()
        {
            settled += 1;
        }
    }
    Ok(settled)
}

pub async fn end_pk_battles_event(state: std::sync::Arc<AppState>, _event: serde_json::Value) -> DomainResult<usize> {
    let n = end_pk_battles(&state).await?;
    if n > 0 {
        tracing::info!(settled = n, "end-pk-battles");
    }
    Ok(n)
}
