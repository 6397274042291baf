//! KYC: who is paid. A host or agency owner submits their legal identity
//! with documents uploaded through `/uploads`; an admin reviews the
//! documents and approves (18 or older, document not expired) or rejects.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::{Kyc, Role};

use crate::http::{Created, Ctx, Json, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::{self, Names};
use crate::posts::check_upload;
use crate::{AppState, DomainError};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KycInput {
    /// As on the document (2–100 characters)
    pub legal_name: String,
    /// yyyy-mm-dd; 18 or older
    #[schema(format = Date)]
    pub date_of_birth: String,
    /// ISO 3166-1 alpha-2, e.g. IN
    pub country: String,
    #[schema(schema_with = crate::kernel::vocab::document_type)]
    pub document_type: String,
    /// Image uploads of the document (front, back): 1 to 4 keys from `POST /uploads`
    #[schema(min_items = 1, max_items = 4)]
    pub document_keys: Vec<String>,
    /// An image upload of the person holding the document
    pub selfie_key: String,
    /// yyyy-mm-dd, when the document expires (the check becomes `expired` then)
    #[schema(format = Date)]
    pub document_expires_on: Option<String>,
    /// Agencies: the business paid (required for agency accounts)
    pub business_name: Option<String>,
    pub registration_number: Option<String>,
}

/// A KYC submission as its owner sees it (no document links).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyKyc {
    #[schema(schema_with = crate::kernel::vocab::kyc_status)]
    pub kyc_status: &'static str,
    /// The latest submission (null before the first)
    pub id: Option<String>,
    pub legal_name: Option<String>,
    /// Why it was rejected
    pub reason: Option<String>,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
}

/// A document as the reviewer opens it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KycDocument {
    pub key: String,
    /// A presigned link to the image, valid 10 minutes (never through the CDN)
    pub url: String,
}

/// A submission in the review queue, with links to its documents.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KycView {
    pub id: String,
    pub account_id: String,
    /// The account's display name (null when the account is gone)
    pub account_name: Option<String>,
    pub legal_name: String,
    #[schema(format = Date)]
    pub date_of_birth: String,
    /// Whole years at the time of the answer
    pub age: i64,
    pub country: String,
    #[schema(schema_with = crate::kernel::vocab::document_type)]
    pub document_type: String,
    pub documents: Vec<KycDocument>,
    pub selfie: KycDocument,
    #[schema(format = Date)]
    pub document_expires_on: Option<String>,
    pub business_name: Option<String>,
    pub registration_number: Option<String>,
    /// pending, verified or rejected
    #[schema(schema_with = crate::kernel::vocab::kyc_status)]
    pub status: String,
    pub reason: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
}

/// Whole years from `born` to the UTC day of `now`.
pub fn age_on(born: chrono::NaiveDate, now: i64) -> i64 {
    use chrono::Datelike;
    let today = chrono::DateTime::from_timestamp_millis(now).unwrap_or_default().date_naive();
    let mut years = i64::from(today.year() - born.year());
    if (today.month(), today.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

const ADULT: i64 = 18;

fn birth_date(field: &str, raw: &str, now: i64) -> DomainResult<chrono::NaiveDate> {
    let born = validate::day(field, raw)?;
    if age_on(born, now) > 120 || age_on(born, now) < 0 {
        return Err(DomainError::invalid(format!("{field}: not a plausible date of birth")));
    }
    Ok(born)
}

fn my_kyc(a: &store::Account, k: Option<&Kyc>, now: i64) -> MyKyc {
    MyKyc {
        kyc_status: views::kyc_status(a, now),
        id: k.map(|k| k.id.clone()),
        legal_name: k.map(|k| k.legal_name.clone()),
        reason: k.and_then(|k| k.reason.clone()),
        submitted_at: k.map(|k| views::time(k.created_at)),
        decided_at: k.and_then(|k| k.decided_at).map(views::time),
    }
}

/// `POST /me/kyc`: a new submission (while none is pending or verified).
pub async fn submit_kyc_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<MyKyc>> {
    let caller = ctx.caller()?;
    let input: KycInput = ctx.json()?;
    let now = state.now();
    let legal_name = validate::text("legal_name", &input.legal_name, 2, 100)?;
    let born = birth_date("date_of_birth", &input.date_of_birth, now)?;
    if age_on(born, now) < ADULT {
        return Err(DomainError::invalid("date_of_birth: payouts are for people 18 or older"));
    }
    let country = input.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(DomainError::invalid("country: a two-letter ISO 3166 code, e.g. IN"));
    }
    let document_type = validate::word("document_type", &input.document_type, crate::kernel::vocab::DOCUMENT_TYPES)?;
    if !(1..=4).contains(&input.document_keys.len()) {
        return Err(DomainError::invalid("document_keys: 1 to 4 image uploads of the document"));
    }
    for (i, key) in input.document_keys.iter().enumerate() {
        check_upload(state, &format!("document_keys[{i}]"), &caller.id, key, &["image"]).await?;
    }
    check_upload(state, "selfie_key", &caller.id, &input.selfie_key, &["image"]).await?;
    let expires_on = match &input.document_expires_on {
        None => None,
        Some(d) => {
            let day = validate::day("document_expires_on", d)?;
            if day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp_millis() <= now {
                return Err(DomainError::invalid("document_expires_on: the document has expired"));
            }
            Some(day.to_string())
        }
    };
    let business = |field: &str, v: &Option<String>| v.as_deref().map(|v| validate::text(field, v, 2, 100)).transpose();
    let (business_name, registration_number) = (
        business("business_name", &input.business_name)?,
        business("registration_number", &input.registration_number)?,
    );
    if caller.role == Role::Agency && (business_name.is_none() || registration_number.is_none()) {
        return Err(DomainError::invalid("business_name and registration_number: required of an agency"));
    }
    let k = Kyc {
        id: crate::kernel::ledger::entry_id(now),
        account_id: caller.id.clone(),
        legal_name,
        date_of_birth: born.to_string(),
        country,
        document_type,
        document_keys: input.document_keys,
        selfie_key: input.selfie_key,
        document_expires_on: expires_on,
        business_name,
        registration_number,
        status: "pending".into(),
        reason: None,
        created_at: now,
        decided_at: None,
        decided_by: None,
    };
    state.db.submit_kyc(&k).await?;
    let a = state.own_account(&caller.id).await?;
    Ok(Created::new(my_kyc(&a, Some(&k), now)))
}

/// `GET /me/kyc`: where the caller's identity check stands.
pub async fn get_my_kyc_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<MyKyc>> {
    let caller = ctx.caller()?;
    let a = state.own_account(&caller.id).await?;
    let k = match &a.kyc_id {
        Some(id) => state.db.get_kyc(id).await?,
        None => None,
    };
    Ok(Json::new(my_kyc(&a, k.as_ref(), state.now())))
}

/// How long a reviewer's link to a document works.
const DOCUMENT_LINK: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// A presigned link to an identity document: never through the CDN.
async fn document_url(state: &AppState, key: &str) -> DomainResult<String> {
    state.media().private_url(key, DOCUMENT_LINK).await.map_err(DomainError::internal)
}

async fn kyc_view(state: &AppState, k: &Kyc, names: &Names) -> DomainResult<KycView> {
    let doc = |key: String, url: String| KycDocument { key, url };
    let mut documents = Vec::new();
    for key in &k.document_keys {
        documents.push(doc(key.clone(), document_url(state, key).await?));
    }
    let born = validate::day("date_of_birth", &k.date_of_birth)?;
    Ok(KycView {
        id: k.id.clone(),
        account_id: k.account_id.clone(),
        account_name: names.get(&k.account_id),
        legal_name: k.legal_name.clone(),
        date_of_birth: k.date_of_birth.clone(),
        age: age_on(born, state.now()),
        country: k.country.clone(),
        document_type: k.document_type.clone(),
        documents,
        selfie: doc(k.selfie_key.clone(), document_url(state, &k.selfie_key).await?),
        document_expires_on: k.document_expires_on.clone(),
        business_name: k.business_name.clone(),
        registration_number: k.registration_number.clone(),
        status: k.status.clone(),
        reason: k.reason.clone(),
        created_at: views::time(k.created_at),
        decided_at: k.decided_at.map(views::time),
    })
}

/// `GET /admin/kyc?status=pending`: the review queue, oldest first.
pub async fn list_kyc_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<KycView>> {
    let status = ctx.query.get("status").map_or("pending", String::as_str);
    let status = validate::word("status", status, &["pending", "verified", "rejected"])?;
    let scope = format!("kyc:{status}");
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_kyc(&status, limit, start).await?;
    let names = Names::of(&state.db, page.items.iter().map(|k| k.account_id.as_str())).await?;
    let mut items = Vec::new();
    for k in &page.items {
        items.push(kyc_view(state, k, &names).await?);
    }
    Ok(list_reply(state, &scope, items, page.next))
}

async fn pending_kyc(state: &AppState, ctx: &Ctx) -> DomainResult<Kyc> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("no such KYC submission"))?;
    state.db.get_kyc(&id).await?.ok_or_else(|| DomainError::not_found("no such KYC submission"))
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveKycInput {
    /// The date of birth the document shows, when it differs from the one submitted
    #[schema(format = Date)]
    pub date_of_birth: Option<String>,
}

/// `POST /admin/kyc/{id}/approve`: refused (409 `underage`) when the person is under 18.
pub async fn approve_kyc_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<KycView>> {
    let input: ApproveKycInput =
        if ctx.body.iter().all(u8::is_ascii_whitespace) { ApproveKycInput::default() } else { ctx.json()? };
    let mut k = pending_kyc(state, ctx).await?;
    let now = state.now();
    if let Some(d) = &input.date_of_birth {
        k.date_of_birth = birth_date("date_of_birth", d, now)?.to_string();
    }
    let born = validate::day("date_of_birth", &k.date_of_birth)?;
    if age_on(born, now) < ADULT {
        return Err(DomainError::conflict("underage", "the document shows someone under 18: reject it"));
    }
    let expires_at = match &k.document_expires_on {
        None => 0,
        Some(d) => validate::day("document_expires_on", d)?
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp_millis(),
    };
    if expires_at > 0 && expires_at <= now {
        return Err(DomainError::conflict("document_expired", "the document has expired: reject it"));
    }
    decide(state, ctx, k, "verified", None, expires_at).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectKycInput {
    /// Shown to the person (2–500 characters)
    pub reason: String,
}

/// `POST /admin/kyc/{id}/reject {reason}`.
pub async fn reject_kyc_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<KycView>> {
    let input: RejectKycInput = ctx.json()?;
    let reason = validate::text("reason", &input.reason, 2, 500)?;
    let k = pending_kyc(state, ctx).await?;
    decide(state, ctx, k, "rejected", Some(reason), 0).await
}

async fn decide(
    state: &AppState,
    ctx: &Ctx,
    mut k: Kyc,
    status: &str,
    reason: Option<String>,
    expires_at: i64,
) -> DomainResult<Json<KycView>> {
    if k.status != "pending" {
        return Err(DomainError::conflict("kyc_decided", "this identity check was decided already"));
    }
    let before = kyc_view(state, &k, &Names::default()).await?;
    k.status = status.into();
    k.reason = reason;
    k.decided_at = Some(state.now());
    k.decided_by = Some(ctx.caller()?.id.clone());
    state.db.decide_kyc(&k, expires_at).await?;
    let (title, body) = match status {
        "verified" => ("Identity verified", "You can now add payout accounts and withdraw.".to_string()),
        _ => ("Identity check rejected", k.reason.clone().unwrap_or_default()),
    };
    state
        .notifier
        .send(crate::kernel::notices::note(
            &k.account_id,
            "kyc",
            title,
            body,
            &[("kyc_id", k.id.as_str()), ("status", status)],
        ))
        .await;
    let names = Names::of(&state.db, [k.account_id.as_str()]).await?;
    Ok(Json::new(kyc_view(state, &k, &names).await?).with_before(before))
}
