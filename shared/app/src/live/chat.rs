//! Room chat the server enforces: a line is checked (the room live, the
//! sender not muted, kicked or blocked by the host; a banned account has no
//! session), limited (slow mode per room, a rate per account), cleaned
//! (length, control and bidirectional-override characters refused, the
//! admins' words masked) and published on the room's channel as `chat` in
//! the request, so its answer carries the line's `seq`. Deleting a line
//! (host, moderator, admin) publishes `chat_deleted`.

use serde::{Deserialize, Serialize};
use store::{ChatLine, ChatWords, Role, Room};
use utoipa::ToSchema;

use super::channels::{Pace, Sent, publish, publish_claimed, room_channel};
use crate::http::limits::{self, Limit};
use crate::http::{Created, Ctx, Json, NoContent};
use crate::kernel::error::{DomainResult, ErrorKind};
use crate::kernel::{validate, views};
use crate::{AppState, DomainError};

/// Chat lines an account sends: one a second on average, five at once.
pub const CHAT_PER_ACCOUNT: Limit = Limit { scope: "chat", max: 5, window_ms: 5_000 };
/// The longest a line waits for its room's next free slot before 429.
const SLOT_WAIT_MS: i64 = 1_000;
/// Lines `GET /rooms/{id}/messages` answers.
pub const RECENT_LINES: usize = 100;
/// The longest slow mode.
pub const SLOW_MODE_MAX_SECS: i64 = 60;
/// The highest wealth level a room owner may ask of its chat.
pub const MIN_CHAT_LEVEL_MAX: i64 = 10;
/// Words on the admins' list, and each word's longest length.
const WORDS_MAX: usize = 500;
const WORD_MAX_CHARS: usize = 40;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatInput {
    /// 1 to 200 characters after trimming; no control or bidirectional-override characters
    pub text: String,
}

/// A line as sent: its id and its message's seq on the room's channel.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatSent {
    pub id: String,
    pub seq: i64,
    /// The text as the room sees it (the admins' words masked)
    pub text: String,
}

/// A line of a room's chat.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatLineView {
    pub id: String,
    pub sender_id: String,
    pub sender_name: String,
    /// The sender's levels when sending
    pub wealth_level: i64,
    pub charm_level: i64,
    pub text: String,
    pub seq: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A room's last lines and its slow mode.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatLines {
    /// The last 100 lines not deleted, oldest first
    pub items: Vec<ChatLineView>,
    pub slow_mode_secs: i64,
    /// The wealth level chatting here needs (0: anyone)
    pub min_chat_level: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatSettingsInput {
    /// Seconds each account waits between lines, 0 (off) to 60; unchanged when left out
    #[schema(minimum = 0, maximum = 60)]
    pub slow_mode_secs: Option<i64>,
    /// The wealth level chatting needs, 0 (anyone) to 10; unchanged when left out
    #[schema(minimum = 0, maximum = 10)]
    pub min_chat_level: Option<i64>,
}

/// A room's chat settings.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatSettings {
    pub room_id: String,
    pub slow_mode_secs: i64,
    pub min_chat_level: i64,
}

/// The words masked in room chat.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatWordsView {
    /// Up to 500 words of 1 to 40 characters, matched whole and case-insensitively
    pub words: Vec<String>,
}

fn line_view(l: &ChatLine) -> ChatLineView {
    ChatLineView {
        id: l.id.clone(),
        sender_id: l.sender_id.clone(),
        sender_name: l.sender_name.clone(),
        wealth_level: l.wealth_level.max(1),
        charm_level: l.charm_level.max(1),
        text: l.text.clone(),
        seq: l.seq,
        created_at: views::time(l.created_at),
    }
}

fn refused(code: &'static str, why: &str) -> DomainError {
    DomainError::new(ErrorKind::Forbidden, code, why.to_string())
}

/// The live room of the path.
async fn live_room(state: &AppState, ctx: &Ctx) -> DomainResult<Room> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("room not found"))?;
    let room = state.db.get_room_item(&id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    if !room.live {
        return Err(DomainError::conflict("room_ended", "this room has ended"));
    }
    Ok(room)
}

/// The line's text: trimmed, 1 to 200 characters, one line, clean.
fn clean_text(raw: &str) -> DomainResult<String> {
    let text = validate::text("text", raw, 1, 200)?;
    if text.contains('\n') {
        return Err(DomainError::invalid("text: one line; control characters are not allowed"));
    }
    Ok(text)
}

/// `text` with every whole word on the list (any case) masked by asterisks.
pub fn mask(text: &str, words: &[String]) -> String {
    if words.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let lower = word.to_lowercase();
        if words.contains(&lower) {
            out.extend(std::iter::repeat_n('*', word.chars().count()));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `POST /rooms/{id}/messages`.
pub async fn send_chat_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<ChatSent>> {
    let caller = ctx.caller()?;
    let input: ChatInput = ctx.json()?;
    let text = clean_text(&input.text)?;
    let room = live_room(state, ctx).await?;
    let now = state.now();
    if room.host_id != caller.id {
        let (mute, kick, block) = futures_util::future::try_join3(
            state.db.get_mute(&room.id, &caller.id),
            state.db.get_kick(&room.id, &caller.id),
            state.db.get_block(&room.host_id, &caller.id),
        )
        .await?;
        if block.is_some() {
            return Err(refused("blocked", "the room's host blocked you"));
        }
        if kick.is_some_and(|k| k.until > now) {
            return Err(refused("kicked", "you were removed from this room"));
        }
        if mute.is_some_and(|m| m.chat) {
            return Err(refused("muted", "your chat is muted in this room"));
        }
        if room.min_chat_level > 0 {
            let a = state.db.get_account(&caller.id).await?;
            let level = state.levels().await?.wealth_level(a.map_or(0, |a| a.wealth_xp));
            if level < room.min_chat_level {
                return Err(refused(
                    "level_too_low",
                    &format!("chat here needs wealth level {}; yours is {level}", room.min_chat_level),
                ));
            }
        }
    }
    if state.config.ip_rate_limits && !limits::allow(state, &CHAT_PER_ACCOUNT, &caller.id).await? {
        let end = now - now.rem_euclid(CHAT_PER_ACCOUNT.window_ms) + CHAT_PER_ACCOUNT.window_ms;
        return Err(DomainError::rate_limited("one line a second at most; wait a moment", (end - now + 999) / 1000));
    }
    if room.slow_mode_secs > 0 && room.host_id != caller.id {
        let slow_ms = room.slow_mode_secs * 1000;
        if !state.db.take_chat_turn(&caller.id, &room.id, slow_ms, now).await? {
            let last = state.db.last_chat_at(&caller.id, &room.id).await?.unwrap_or(now);
            let wait = ((last + slow_ms - now).max(0) + 999) / 1000;
            return Err(DomainError {
                code: "slow_mode",
                ..DomainError::rate_limited(
                    format!("slow mode: one line every {} s in this room", room.slow_mode_secs),
                    wait.max(1),
                )
            });
        }
    }
    let words = state.db.get_chat_words().await?;
    let text = mask(&text, &words.words);
    let sender = state.db.get_account(&caller.id).await?.ok_or_else(|| DomainError::not_found("user not found"))?;
    let id = ulid::Ulid::new().to_string();
    let levels = state.levels().await?;
    let (wealth_level, charm_level) = (levels.wealth_level(sender.wealth_xp), levels.charm_level(sender.charm_xp));
    let message = super::messages::json(&super::messages::ChatMessage {
        kind: "chat",
        stamp: Default::default(),
        room_id: room.id.clone(),
        id: id.clone(),
        sender_id: caller.id.clone(),
        sender_name: sender.name.clone(),
        wealth_level,
        charm_level,
        text: text.clone(),
    });
    let sent =
        match publish_claimed(state, &room_channel(&room.id), &[], vec![message], Pace::AtMost(SLOT_WAIT_MS)).await? {
            Sent::Sent(sent) => sent,
            Sent::Busy | Sent::Claimed(_) => {
                return Err(DomainError::rate_limited("the room's chat is busy; try again in a moment", 1));
            }
        };
    let seq = sent.first().and_then(|m| m["seq"].as_i64()).unwrap_or_default();
    let line = ChatLine {
        id: id.clone(),
        room_id: room.id.clone(),
        sender_id: caller.id.clone(),
        sender_name: sender.name,
        wealth_level,
        charm_level,
        text: text.clone(),
        seq,
        created_at: now,
        deleted_at: None,
        deleted_by: None,
    };
    state.db.put_chat_line(&line).await?;
    Ok(Created::new(ChatSent { id, seq, text }))
}

/// `GET /rooms/{id}/messages`: anyone who may read the room's channel.
pub async fn list_chat_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ChatLines>> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("room not found"))?;
    super::channels::may_subscribe(state, &caller.id, &room_channel(&id)).await?;
    let room = state.db.get_room_item(&id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    let lines = state.db.recent_chat_lines(&id, RECENT_LINES).await?;
    Ok(Json::new(ChatLines {
        items: lines.iter().map(line_view).collect(),
        slow_mode_secs: room.slow_mode_secs,
        min_chat_level: room.min_chat_level,
    }))
}

/// Whether the caller runs the room's chat: its host, a moderator, an admin.
async fn runs_chat(state: &AppState, ctx: &Ctx, room: &Room) -> DomainResult<()> {
    let caller = ctx.caller()?;
    if room.host_id == caller.id
        || caller.role == Role::Admin
        || state.db.is_moderator(&room.host_id, &caller.id).await?
    {
        return Ok(());
    }
    Err(refused("not_moderator", "only the room's host, its moderators or an admin can do this"))
}

/// `DELETE /rooms/{id}/messages/{message_id}`: `chat_deleted` on the channel.
pub async fn delete_chat_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("room not found"))?;
    let room = state.db.get_room_item(&id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    runs_chat(state, ctx, &room).await?;
    let line_id =
        validate::id("message_id", ctx.param("message_id")).map_err(|_| DomainError::not_found("message not found"))?;
    if state.db.get_chat_line(&room.id, &line_id).await?.is_none() {
        return Err(DomainError::not_found("message not found"));
    }
    if state.db.delete_chat_line(&room.id, &line_id, &caller.id, state.now()).await? {
        let m = super::messages::json(&super::messages::ChatDeletedMessage {
            kind: "chat_deleted",
            stamp: Default::default(),
            room_id: room.id.clone(),
            id: line_id.clone(),
            deleted_by: caller.id.clone(),
        });
        publish(state, &room_channel(&room.id), vec![m]).await?;
    }
    Ok(NoContent::done())
}

/// `PUT /rooms/{id}/chat`: the room's slow mode (host, moderator, admin).
pub async fn put_chat_settings_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ChatSettings>> {
    let input: ChatSettingsInput = ctx.json()?;
    if input.slow_mode_secs.is_some_and(|s| !(0..=SLOW_MODE_MAX_SECS).contains(&s)) {
        return Err(DomainError::invalid("slow_mode_secs: a whole number of seconds from 0 to 60"));
    }
    if input.min_chat_level.is_some_and(|l| !(0..=MIN_CHAT_LEVEL_MAX).contains(&l)) {
        return Err(DomainError::invalid("min_chat_level: a level from 0 to 10"));
    }
    let room = live_room(state, ctx).await?;
    runs_chat(state, ctx, &room).await?;
    let slow = input.slow_mode_secs.unwrap_or(room.slow_mode_secs);
    let level = input.min_chat_level.unwrap_or(room.min_chat_level);
    if !state.db.set_chat_settings(&room.id, slow, level).await? {
        return Err(DomainError::conflict("room_ended", "this room has ended"));
    }
    Ok(Json::new(ChatSettings { room_id: room.id, slow_mode_secs: slow, min_chat_level: level }))
}

pub async fn get_chat_words_http(state: &AppState, _ctx: &Ctx) -> DomainResult<Json<ChatWordsView>> {
    Ok(Json::new(ChatWordsView { words: state.db.get_chat_words().await?.words }))
}

/// `PUT /admin/chat/words`: the whole list (lower-cased, without repeats).
pub async fn put_chat_words_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ChatWordsView>> {
    let input: ChatWordsView = ctx.json()?;
    let before = ChatWordsView { words: state.db.get_chat_words().await?.words };
    if input.words.len() > WORDS_MAX {
        return Err(DomainError::invalid(format!("words: at most {WORDS_MAX}")));
    }
    let mut words = Vec::with_capacity(input.words.len());
    for w in &input.words {
        let w = w.trim().to_lowercase();
        if w.is_empty() || w.chars().count() > WORD_MAX_CHARS || !w.chars().all(char::is_alphanumeric) {
            return Err(DomainError::invalid(format!(
                "words: each 1 to {WORD_MAX_CHARS} letters or digits, one word (not {w:?})"
            )));
        }
        if !words.contains(&w) {
            words.push(w);
        }
    }
    state.db.put_chat_words(&ChatWords { words: words.clone(), updated_at: state.now() }).await?;
    Ok(Json::new(ChatWordsView { words }).with_before(before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_are_masked_whatever_their_case() {
        let words = vec!["darn".to_string(), "heck".to_string()];
        assert_eq!(mask("Darn it, what the HECK; darned", &words), "**** it, what the ****; darned");
        assert_eq!(mask("héllo", &[]), "héllo");
    }
}
