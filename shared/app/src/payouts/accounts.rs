//! Payout accounts: a bank account, a UPI address or a PayPal e-mail in the
//! name the identity check verified. A new account waits out the hold
//! (`payout_account_hold_hours`) before money is sent to it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::PayoutAccount;

use crate::http::{Created, Ctx, NoContent, Page, list_reply};
use crate::kernel::error::{DomainResult, ErrorKind};
use crate::kernel::{validate, views};
use crate::{AppState, DomainError};

/// Where the money goes; which fields depends on `method`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PayoutDetails {
    /// bank: 9–18 digits
    pub account_number: Option<String>,
    /// bank: the branch's IFSC, e.g. HDFC0000053
    pub ifsc: Option<String>,
    /// upi: the UPI address, e.g. name@okhdfc
    pub vpa: Option<String>,
    /// paypal: the PayPal account's e-mail
    pub email: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutAccountInput {
    #[schema(schema_with = crate::kernel::vocab::payout_method)]
    pub method: String,
    pub details: PayoutDetails,
    /// Must be the name the identity check verified (case, punctuation and word order aside)
    pub holder_name: String,
}

/// A payout account, its number hidden but for the end.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutAccountView {
    pub id: String,
    #[schema(schema_with = crate::kernel::vocab::payout_method)]
    pub method: String,
    pub holder_name: String,
    /// e.g. `•••• 6789 · HDFC0000053`, `na•••@okhdfc`
    pub destination: String,
    /// RFC 3339: withdrawals to it open then (the hold after adding it)
    #[schema(format = DateTime)]
    pub opens_at: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// `destination` with only its end shown.
pub fn masked(p: &PayoutAccount) -> String {
    let hide = |s: &str, keep: usize| {
        let n = s.chars().count();
        let shown: String = s.chars().skip(n.saturating_sub(keep)).collect();
        format!("•••• {shown}")
    };
    let local = |s: &str| match s.split_once('@') {
        Some((name, domain)) => format!("{}•••@{domain}", name.chars().take(2).collect::<String>()),
        None => hide(s, 4),
    };
    match p.method.as_str() {
        "bank" => format!(
            "{} · {}",
            hide(p.account_number.as_deref().unwrap_or_default(), 4),
            p.ifsc.as_deref().unwrap_or_default()
        ),
        "upi" => local(p.vpa.as_deref().unwrap_or_default()),
        _ => local(p.email.as_deref().unwrap_or_default()),
    }
}

pub fn payout_account_view(p: &PayoutAccount) -> PayoutAccountView {
    PayoutAccountView {
        id: p.id.clone(),
        method: p.method.clone(),
        holder_name: p.holder_name.clone(),
        destination: masked(p),
        opens_at: views::time(p.opens_at),
        created_at: views::time(p.created_at),
    }
}

/// A name's words, lowercased, without punctuation, in order: two names
/// match when they have the same words.
pub fn name_words(name: &str) -> Vec<String> {
    let cleaned: String =
        name.chars().map(|c| if c.is_alphanumeric() { c.to_lowercase().next().unwrap_or(c) } else { ' ' }).collect();
    let mut words: Vec<String> = cleaned.split_whitespace().map(String::from).collect();
    words.sort();
    words
}

fn check_details(method: &str, d: PayoutDetails) -> DomainResult<PayoutDetails> {
    let only = |allowed: &[&str]| -> DomainResult<()> {
        let given = [("account_number", &d.account_number), ("ifsc", &d.ifsc), ("vpa", &d.vpa), ("email", &d.email)];
        for (name, v) in given {
            if v.is_some() && !allowed.contains(&name) {
                return Err(DomainError::invalid(format!("details.{name}: not a field of a {method} account")));
            }
        }
        Ok(())
    };
    match method {
        "bank" => {
            only(&["account_number", "ifsc"])?;
            let number = d.account_number.as_deref().unwrap_or_default().trim().to_string();
            if !(9..=18).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DomainError::invalid("details.account_number: 9 to 18 digits"));
            }
            let ifsc = d.ifsc.as_deref().unwrap_or_default().trim().to_ascii_uppercase();
            let b = ifsc.as_bytes();
            let ok = b.len() == 11
                && b[..4].iter().all(u8::is_ascii_uppercase)
                && b[4] == b'0'
                && b[5..].iter().all(u8::is_ascii_alphanumeric);
            if !ok {
                return Err(DomainError::invalid("details.ifsc: an IFSC like HDFC0000053"));
            }
            Ok(PayoutDetails { account_number: Some(number), ifsc: Some(ifsc), ..Default::default() })
        }
        "upi" => {
            only(&["vpa"])?;
            let vpa = d.vpa.as_deref().unwrap_or_default().trim().to_ascii_lowercase();
            let ok = vpa.split_once('@').is_some_and(|(name, handle)| {
                (2..=256).contains(&name.len())
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
                    && (2..=64).contains(&handle.len())
                    && handle.bytes().all(|b| b.is_ascii_alphanumeric())
            });
            if !ok {
                return Err(DomainError::invalid("details.vpa: a UPI address like name@okhdfc"));
            }
            Ok(PayoutDetails { vpa: Some(vpa), ..Default::default() })
        }
        _ => {
            only(&["email"])?;
            let email = validate::email("details.email", d.email.as_deref().unwrap_or_default())?;
            Ok(PayoutDetails { email: Some(email), ..Default::default() })
        }
    }
}

/// `POST /me/payout-accounts`.
pub async fn create_payout_account_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<PayoutAccountView>> {
    let caller = ctx.caller()?;
    let input: PayoutAccountInput = ctx.json()?;
    let method = validate::word("method", &input.method, crate::kernel::vocab::PAYOUT_METHODS)?;
    let holder_name = validate::text("holder_name", &input.holder_name, 2, 100)?;
    let details = check_details(&method, input.details)?;
    let a = state.own_account(&caller.id).await?;
    let now = state.now();
    if views::kyc_status(&a, now) != "verified" {
        return Err(DomainError::conflict("kyc_required", "verify your identity first (POST /me/kyc)"));
    }
    let verified = a.kyc_name.as_deref().unwrap_or_default();
    if name_words(&holder_name) != name_words(verified) {
        return Err(DomainError::new(
            ErrorKind::Invalid,
            "holder_mismatch",
            format!("holder_name: must be the verified name, {verified}"),
        ));
    }
    if state.db.payout_accounts(&caller.id).await?.len() >= store::MAX_PAYOUT_ACCOUNTS {
        return Err(DomainError::conflict(
            "too_many_payout_accounts",
            format!("at most {} payout accounts: remove one first", store::MAX_PAYOUT_ACCOUNTS),
        ));
    }
    let settings = state.db.get_settings().await?;
    let p = PayoutAccount {
        id: crate::kernel::ledger::entry_id(now),
        account_id: caller.id.clone(),
        method,
        holder_name,
        account_number: details.account_number,
        ifsc: details.ifsc,
        vpa: details.vpa,
        email: details.email,
        opens_at: now + settings.payout_account_hold_hours * 3_600_000,
        created_at: now,
        provider_contact_id: None,
        provider_fund_account_id: None,
    };
    state.db.put_payout_account(&p).await?;
    let view = payout_account_view(&p);
    state
        .notifier
        .send(crate::kernel::notices::note(
            &caller.id,
            "payout_account",
            "Payout account added",
            format!("{} was added; withdrawals to it open {}", view.destination, view.opens_at),
            &[("payout_account_id", p.id.as_str())],
        ))
        .await;
    Ok(Created::new(view))
}

/// `GET /me/payout-accounts` (at most `MAX_PAYOUT_ACCOUNTS`: one page).
pub async fn list_payout_accounts_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<PayoutAccountView>> {
    let caller = ctx.caller()?;
    // At most `MAX_PAYOUT_ACCOUNTS`: `limit` is checked and kept, a cursor never needed.
    let (limit, _) = ctx.page(state, "payout-accounts")?;
    let accounts = state.db.payout_accounts(&caller.id).await?;
    Ok(list_reply(state, "payout-accounts", accounts.iter().take(limit).map(payout_account_view).collect(), None))
}

/// `DELETE /me/payout-accounts/{id}`: an open withdrawal keeps its own copy of the destination.
pub async fn delete_payout_account_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("no such payout account"))?;
    state
        .db
        .get_payout_account(&caller.id, &id)
        .await?
        .ok_or_else(|| DomainError::not_found("no such payout account"))?;
    state.db.delete_payout_account(&caller.id, &id).await?;
    Ok(NoContent::done())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whatever_the_case_punctuation_and_order() {
        assert_eq!(name_words("Gaurav  Kumar"), name_words("KUMAR, gaurav."));
        assert_ne!(name_words("Gaurav Kumar"), name_words("Gaurav Kumari"));
        assert_ne!(name_words("Gaurav Kumar"), name_words("Gaurav"));
    }
}
