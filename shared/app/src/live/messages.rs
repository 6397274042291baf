//! The live channels' messages, as they are sent and as the document
//! describes them (components `…Message` of the OpenAPI document): each a
//! JSON object `{type, seq, at, …}`. `seq` and `at` are the channel's,
//! stamped as a message goes out (`publish`).

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::http::schema::{BodySchema, schema_of};

/// What every message carries: where it stands on its channel and when it went out.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Stamp {
    /// One more than the channel's message before it
    pub seq: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub at: String,
}

/// `/rooms/{id}`: gifts credited in the room, merged (see docs/live.md)
#[derive(Serialize, ToSchema)]
pub struct GiftsMessage {
    /// `gifts`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub room_id: String,
    pub gifts: Vec<GiftEntry>,
    /// The room's host earnings with these gifts in them
    pub host_earning: i64,
    /// The room's top 3 gifters, most coins first
    pub top_gifters: Vec<GiftsTopGifter>,
}

/// One of the room's top 3 gifters in a `gifts` message (its own name: the
/// room's `TopGifter` of `POST /rooms/{id}/join` is another shape).
#[derive(Serialize, ToSchema)]
pub struct GiftsTopGifter {
    pub account_id: String,
    pub display_name: Option<String>,
    pub coins: i64,
}

/// `/rooms/{id}` (both rooms of a battle): the scores (at most 10 a second), then the result once
#[derive(Serialize, ToSchema)]
pub struct PkMessage {
    /// `pk`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub battle_id: String,
    pub state: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    pub sides: Vec<PkSideScore>,
    /// Once the result is in: the winner (null on a draw)
    pub winner_host_id: Option<String>,
    /// RFC 3339, once the result is in
    #[schema(format = DateTime)]
    pub result_at: Option<String>,
    /// Coins the platform added to the winner's earnings
    pub bonus: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PkSideScore {
    pub host_id: String,
    pub room_id: String,
    pub score: i64,
    pub top_gifter: Option<PkTopGifter>,
}

#[derive(Serialize, ToSchema)]
pub struct PkTopGifter {
    pub account_id: String,
    pub coins: i64,
}

/// One entry of a `gifts` message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct GiftEntry {
    pub sender_id: String,
    pub sender_name: String,
    pub gift_id: String,
    pub gift_name: String,
    pub animation_key: Option<String>,
    pub quantity: i64,
    /// How many sends this entry merges
    pub combo: i64,
    pub coins: i64,
    pub to_id: String,
    /// The sender's wealth level when sending
    pub wealth_level: i64,
}

/// `/rooms/{id}`: the whole seat list after a change
#[derive(Serialize, ToSchema)]
pub struct SeatsMessage {
    /// `seats`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub room_id: String,
    pub seats: Vec<SeatState>,
}

#[derive(Serialize, ToSchema)]
pub struct SeatState {
    pub seat: i64,
    pub account_id: Option<String>,
    pub display_name: Option<String>,
    pub locked: bool,
    pub muted: bool,
}

/// `/rooms/{id}`: a chat line as the room sees it
#[derive(Serialize, ToSchema)]
pub struct ChatMessage {
    /// `chat`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub room_id: String,
    pub id: String,
    pub sender_id: String,
    pub sender_name: String,
    /// The sender's levels when sending
    pub wealth_level: i64,
    pub charm_level: i64,
    pub text: String,
}

/// `/rooms/{id}`: a chat line deleted by the host, a moderator or an admin
#[derive(Serialize, ToSchema)]
pub struct ChatDeletedMessage {
    /// `chat_deleted`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub room_id: String,
    pub id: String,
    pub deleted_by: String,
}

/// `/rooms/{id}`: the viewer count, at most every 10 s while it changes
#[derive(Serialize, ToSchema)]
pub struct ViewersMessage {
    /// `viewers`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub room_id: String,
    pub count: i64,
}

/// `/rooms/{id}`: a kick, a mute or an unmute
#[derive(Serialize, ToSchema)]
pub struct ModerationMessage {
    /// `moderation`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    /// kick, mute or unmute
    #[serde(rename = "kind")]
    pub action: &'static str,
    pub room_id: String,
    pub account_id: String,
    /// A mute: whether it mutes the chat
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chat: Option<bool>,
    /// A mute: whether it mutes the mic
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mic: Option<bool>,
}

/// `/rooms/{id}`: the room ended
#[derive(Serialize, ToSchema)]
pub struct RoomEndedMessage {
    /// `room_ended`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub room_id: String,
    #[schema(format = DateTime)]
    pub ended_at: String,
}

/// `/users/{id}`: a call's state after ringing, to both parties (ringing itself comes with its notification)
#[derive(Serialize, ToSchema)]
pub struct CallMessage {
    /// `call`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub call_id: String,
    /// active, ended, declined, cancelled or missed
    pub state: String,
    pub caller_id: String,
    pub host_id: String,
    pub price_per_minute: i64,
    pub paid_minutes: i64,
    #[schema(format = DateTime)]
    pub accepted_at: Option<String>,
}

/// `/users/{id}`: the account's balances after a ledger entry, with the entry
#[derive(Serialize, ToSchema)]
pub struct WalletMessage {
    /// `wallet`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub coins: i64,
    pub earnings: i64,
    pub coin_debt: i64,
    pub entry: WalletEntry,
}

#[derive(Serialize, ToSchema)]
pub struct WalletEntry {
    pub id: String,
    /// The ledger entry's type (grant, gift_sent, gift_received, call_charge, …)
    #[serde(rename = "type")]
    pub kind: String,
    /// coins, earnings or debt
    pub balance: String,
    pub amount: i64,
}

/// `/users/{id}`: the account was kicked out of a room
#[derive(Serialize, ToSchema)]
pub struct KickedMessage {
    /// `kicked`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub room_id: String,
    #[schema(format = DateTime)]
    pub until: String,
}

/// `/users/{id}`: the account was banned (its session is gone: the app signs out)
#[derive(Serialize, ToSchema)]
pub struct BannedMessage {
    /// `banned`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    pub account_id: String,
    #[schema(format = DateTime)]
    pub banned_at: String,
}

/// `/users/{id}`: an in-app notification as stored
#[derive(Serialize, ToSchema)]
pub struct NotificationMessage {
    /// `notification`
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub stamp: Stamp,
    /// `{id, type, title, body, data, created_at}`, as `GET /notifications` lists it
    #[schema(value_type = Object)]
    pub notification: Value,
}

/// `/users/{id}`: what a notification announces to act on: `call` (state
/// `ringing`), `seat_invitation` or `pk_invitation`, with the notification's data fields
#[derive(Serialize, ToSchema)]
pub struct InvitationMessage {
    /// call, seat_invitation or pk_invitation
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(flatten)]
    pub stamp: Stamp,
    /// `ringing` on a call
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The notification's data (call_id, room_id, battle_id, …), as strings
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub data: std::collections::BTreeMap<String, String>,
}

/// A message as JSON (its `seq` and `at` are stamped by `publish`).
pub fn json<T: Serialize>(m: &T) -> Value {
    serde_json::to_value(m).unwrap_or(Value::Null)
}

/// The messages' schemas, components of the OpenAPI document.
pub const MESSAGE_SCHEMAS: &[BodySchema] = &[
    schema_of::<GiftsMessage>,
    schema_of::<PkMessage>,
    schema_of::<SeatsMessage>,
    schema_of::<ChatMessage>,
    schema_of::<ChatDeletedMessage>,
    schema_of::<ViewersMessage>,
    schema_of::<ModerationMessage>,
    schema_of::<RoomEndedMessage>,
    schema_of::<CallMessage>,
    schema_of::<WalletMessage>,
    schema_of::<KickedMessage>,
    schema_of::<BannedMessage>,
    schema_of::<NotificationMessage>,
    schema_of::<InvitationMessage>,
];

/// What a notification puts on its recipient's channel: the `notification`
/// as stored, and for calls and invitations the message the apps act on
/// (`call` ringing, `seat_invitation`, `pk_invitation`) with the same data.
pub fn notification_messages(n: &store::Notification) -> Vec<Value> {
    let notification = serde_json::json!({"id": n.id, "type": n.kind, "title": n.title, "body": n.body,
                                          "data": n.data, "created_at": crate::kernel::views::time(n.created_at)});
    let mut out = vec![json(&NotificationMessage { kind: "notification", stamp: Default::default(), notification })];
    let typed = match n.kind.as_str() {
        "incoming_call" => Some(("call", Some("ringing"))),
        "seat_invitation" => Some(("seat_invitation", None)),
        "pk_invitation" => Some(("pk_invitation", None)),
        _ => None,
    };
    if let Some((kind, state)) = typed {
        out.push(json(&InvitationMessage {
            kind: kind.to_string(),
            stamp: Default::default(),
            state: state.map(str::to_string),
            data: n.data.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }));
    }
    out
}
