//! The closed sets of words the API's string fields take (roles, states,
//! ledger types, ...). A field says which with `#[schema(schema_with = ...)]`,
//! so the document lists them as an `enum` (generated clients get a union
//! type), and schemathesis fails an answer with a word not listed here.

use serde_json::Value;
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

fn one_of(words: &[&str], nullable: bool) -> Object {
    let mut values: Vec<Value> = words.iter().map(|w| Value::from(*w)).collect();
    let kind = if nullable {
        values.push(Value::Null);
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    ObjectBuilder::new().schema_type(kind).enum_values(Some(values)).build()
}

macro_rules! words {
    ($(#[$doc:meta])* $list:ident, $schema:ident, $nullable:ident: [$($w:literal),+ $(,)?]) => {
        $(#[$doc])*
        pub const $list: &[&str] = &[$($w),+];
        pub fn $schema() -> Object {
            one_of($list, false)
        }
        #[allow(dead_code)]
        pub fn $nullable() -> Object {
            one_of($list, true)
        }
    };
}

words!(
    /// An account's role.
    ROLES, role, role_or_null: ["user", "host", "agency", "admin"]
);
words!(
    /// A call's state.
    CALL_STATES, call_state, call_state_or_null: ["ringing", "cancelled", "declined", "missed", "active", "ended"]
);
words!(
    /// A ledger entry's type: what moved the balance.
    LEDGER_TYPES, ledger_type, ledger_type_or_null: [
        "recharge", "grant", "correction", "gift_sent", "gift_received", "gift_refunded", "call_charge",
        "call_earning", "call_refund", "settlement", "debt_repaid", "refund_clawback", "refund_debt",
        "refund_reversed", "pk_bonus", "room_share", "vip_purchase", "bonus_grant", "bonus_gift",
        "bonus_gift_received", "bonus_gift_refunded", "bonus_expired", "bonus_clawback", "settlement_payout",
        "salary", "agency_commission", "withdrawal", "withdrawal_returned",
    ]
);
words!(
    /// Which balance a ledger entry moved.
    BALANCES, balance, balance_or_null: ["coins", "earnings", "coin_debt", "bonus", "payable"]
);
words!(
    /// How often a task can be claimed.
    TASK_PERIODS, task_period, task_period_or_null: ["daily", "weekly", "once"]
);
words!(
    /// What a task counts.
    TASK_KINDS, task_kind, task_kind_or_null: [
        "watch_minutes", "send_gifts", "spend_coins", "follow_new_host", "share_room", "call_minutes", "recharge_coins",
    ]
);
words!(
    /// What buys a gift.
    GIFT_CURRENCIES, gift_currency, gift_currency_or_null: ["coins", "bonus"]
);
words!(
    /// Where coins were bought.
    PROVIDERS, provider, provider_or_null: ["stripe", "razorpay", "google", "apple"]
);
words!(
    /// Where a recharge's payment stands.
    RECHARGE_STATUSES, recharge_status, recharge_status_or_null: ["pending", "credited", "partially_refunded", "refunded"]
);
words!(
    /// What a report is about.
    REPORT_TARGETS, report_target, report_target_or_null: ["user", "post", "comment", "room"]
);
words!(
    /// Why it was reported.
    REPORT_REASONS, report_reason, report_reason_or_null: [
        "spam", "harassment", "hate", "nudity", "violence", "scam", "underage", "other",
    ]
);
words!(
    /// How an admin resolves a report.
    REPORT_ACTIONS, report_action, report_action_or_null: ["dismiss", "remove_content", "ban_user"]
);
words!(
    /// Where a report stands.
    REPORT_STATUSES, report_status, report_status_or_null: ["open", "resolved"]
);
words!(
    /// What an upload is for.
    UPLOAD_KINDS, upload_kind, upload_kind_or_null: ["video", "image", "audio"]
);
words!(
    /// A post's media: the content type of its video or image upload.
    MEDIA_TYPES, media_type, media_type_or_null: [
        "video/mp4", "video/quicktime", "video/webm", "image/jpeg", "image/png", "image/webp",
    ]
);
words!(
    /// Where an agency stands.
    AGENCY_STATUSES, agency_status, agency_status_or_null: ["invited", "active"]
);
words!(
    /// Where a host application stands.
    APPLICATION_STATUSES, application_status, application_status_or_null: ["pending", "approved", "rejected"]
);
words!(
    /// Where a verification code was sent.
    CHANNELS, channel, channel_or_null: ["email", "phone"]
);
words!(
    /// The pages an admin writes (`/pages/{slug}`).
    PAGE_SLUGS, page_slug, page_slug_or_null: ["terms", "privacy"]
);
words!(
    /// What `POST /recharges` pays through (the stores have their own routes).
    PAYMENT_PROVIDERS, payment_provider, payment_provider_or_null: ["stripe", "razorpay"]
);
words!(
    /// A profile's gender.
    GENDERS, gender, gender_or_null: ["male", "female", "other", "undisclosed"]
);
words!(
    /// Where a push token lives.
    PLATFORMS, platform, platform_or_null: ["android", "ios", "web"]
);
words!(
    /// Which leaderboard.
    BOARDS, board, board_or_null: ["gifters", "hosts"]
);
words!(
    /// A leaderboard's period.
    PERIODS, period, period_or_null: ["day", "week", "all"]
);
words!(
    /// What a webhook did with the event.
    WEBHOOK_OUTCOMES, webhook_outcome, webhook_outcome_or_null: [
        "credited", "clawed_back", "answered", "ignored", "applied", "stale", "duplicate",
    ]
);
words!(
    /// Who a broadcast goes to.
    SEGMENTS, segment, segment_or_null: ["all", "users", "hosts", "agencies"]
);
words!(
    /// Where a broadcast stands.
    BROADCAST_STATUSES, broadcast_status, broadcast_status_or_null: ["sending", "sent"]
);
words!(
    /// A PK battle's state.
    PK_STATES, pk_state, pk_state_or_null: ["active", "ended"]
);
words!(
    /// A PK invitation's state.
    PK_INVITATION_STATES, pk_invitation_state, pk_invitation_state_or_null: [
        "pending", "accepted", "declined", "cancelled", "expired",
    ]
);
words!(
    /// Where a host stands with PKs: in none, waiting for a random match, in a battle.
    PK_STANDINGS, pk_standing, pk_standing_or_null: ["idle", "waiting", "matched", "in_battle"]
);
words!(
    /// A room's kind: video (guests on camera) or audio (a party on the mic).
    ROOM_KINDS, room_kind, room_kind_or_null: ["video", "audio"]
);
words!(
    /// Where an identity check stands.
    KYC_STATUSES, kyc_status, kyc_status_or_null: ["none", "pending", "verified", "rejected", "expired"]
);
words!(
    /// An identity document's type.
    DOCUMENT_TYPES, document_type, document_type_or_null: ["passport", "national_id", "driving_licence"]
);
words!(
    /// How money is paid out.
    PAYOUT_METHODS, payout_method, payout_method_or_null: ["bank", "upi", "paypal"]
);
words!(
    /// Where a withdrawal stands.
    WITHDRAWAL_STATUSES, withdrawal_status, withdrawal_status_or_null: [
        "requested", "approved", "processing", "paid", "rejected", "cancelled", "failed", "reversed",
    ]
);
