//! The routes of this domain (the table is `crate::routes`).

use super::channel_events;
use crate::http::routes::*;

pub static AGORA_WEBHOOK: Route = route!(
    "agora-webhook",
    "POST",
    "/webhooks/agora",
    Access::Public,
    channel_events::agora_webhook_http,
    Api::new()
        .says("Agora's channel events (a host dropping out ends the room)")
        .signed("Agora-Signature-V2")
        .codes(&["invalid_signature"]),
    Needs::write()
        .secrets(&[Secret::AgoraRest, Secret::AgoraNcs])
        .keys(&[
            Family::Account,
            Family::AgoraNotice,
            Family::AgoraSeq,
            Family::Call,
            Family::Channel,
            Family::Event,
            Family::Events,
            Family::Room,
            Family::RoomViewers
        ])
        .indexes(&[&GSI2])
);
