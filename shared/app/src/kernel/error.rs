/// What went wrong, in the domain's words. `http` alone maps a kind to its
/// status (`http::status_of`); a use case never names a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is wrong; the message names what.
    Invalid,
    Unauthenticated,
    /// Coins are short, or a refund left a debt.
    Payment,
    Forbidden,
    NotFound,
    /// The state forbids it now (already following, a call in progress, ...).
    Conflict,
    /// Well-formed, but not what this request's key was first used for.
    Unprocessable,
    RateLimited,
    /// A race or an outage; trying again later may work.
    Unavailable,
    /// A bug or an outage on our side.
    Internal,
}

impl ErrorKind {
    /// The caller's doing (not ours): what a retry of the same request would meet again.
    pub fn is_callers(self) -> bool {
        !matches!(self, ErrorKind::Unavailable | ErrorKind::Internal)
    }
}

/// The one error type of every use case: its kind and PRODUCT.md's code;
/// `http` turns it into the response in one place.
#[derive(Debug)]
pub struct DomainError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub message: String,
    /// RateLimited: when to try again (the body's `retry_after_secs` and the `Retry-After` header).
    pub retry_after_secs: Option<i64>,
    /// Figures the body carries beside the code, e.g. 409 `price_changed`'s
    /// `price_coins` or `insufficient_payable`'s `payable_minor`.
    pub figures: Vec<(&'static str, serde_json::Value)>,
}

pub type DomainResult<T> = Result<T, DomainError>;

impl DomainError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        DomainError { kind, code, message: message.into(), retry_after_secs: None, figures: Vec::new() }
    }
    /// The same error with a figure the apps show (a field of the body).
    pub fn with(mut self, field: &'static str, value: impl Into<serde_json::Value>) -> Self {
        self.figures.push((field, value.into()));
        self
    }
    /// `invalid_request` naming what is wrong, e.g. `invalid("password: must be at least 8 characters")`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, "invalid_request", message)
    }
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, "unauthenticated", message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", message)
    }
    /// `banned`: the account may not create content, move coins or go live.
    pub fn banned() -> Self {
        Self::new(ErrorKind::Forbidden, "banned", "this account is banned")
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, "not_found", message)
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }
    pub fn rate_limited(message: impl Into<String>, retry_after_secs: i64) -> Self {
        DomainError {
            retry_after_secs: Some(retry_after_secs.max(1)),
            ..Self::new(ErrorKind::RateLimited, "rate_limited", message)
        }
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, "unavailable", message)
    }
    /// A bug or an outage: the cause goes to the log, never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorKind::Internal, "internal", "internal error")
    }
}

impl From<store::Error> for DomainError {
    /// Conditions a use case did not map itself get their generic meaning here.
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::Condition("bad_cursor") => DomainError::invalid("cursor: not a cursor of this list"),
            store::Error::Condition("not_found" | "account_missing") => DomainError::not_found("account not found"),
            store::Error::Condition("account_exists") => {
                DomainError::conflict("account_exists", "an account with this e-mail or phone already exists")
            }
            store::Error::Condition("already_following") => {
                DomainError::conflict("already_following", "you already follow this user")
            }
            // Seen only by `wallet::with_retries`, which retries or replays.
            store::Error::Condition(c @ ("balance_changed" | "idempotent_replay")) => {
                DomainError::conflict(c, "the balance changed meanwhile; try again")
            }
            store::Error::Condition("account_banned") => DomainError::banned(),
            store::Error::Condition("blocked") => {
                DomainError::new(ErrorKind::Forbidden, "blocked", "this account blocked you")
            }
            store::Error::Condition("kicked") => DomainError::new(
                ErrorKind::Forbidden,
                "kicked",
                "you were removed from this room; you cannot rejoin yet",
            ),
            store::Error::Condition("not_following") => DomainError::not_found("you do not follow this user"),
            store::Error::Condition("already_checked_in") => {
                DomainError::conflict("already_checked_in", "you checked in today already; come back tomorrow")
            }
            store::Error::Condition("already_claimed") => {
                DomainError::conflict("already_claimed", "this reward was claimed already for this period")
            }
            store::Error::Condition("kyc_open") => {
                DomainError::conflict("kyc_open", "your identity check is pending or verified already")
            }
            store::Error::Condition("kyc_decided") => {
                DomainError::conflict("kyc_decided", "this identity check was decided already")
            }
            store::Error::Condition("payout_account_changed") => DomainError::conflict(
                "payout_account_changed",
                "the payout account was removed or changed meanwhile; choose it again",
            ),
            store::Error::Condition("withdrawal_moved") => {
                DomainError::conflict("withdrawal_moved", "the withdrawal changed meanwhile; read it again")
            }
            store::Error::Condition("statement_moved") => {
                DomainError::conflict("statement_moved", "the statement changed meanwhile; read it again")
            }
            store::Error::Condition("dispute_resolved") => {
                DomainError::conflict("dispute_resolved", "this dispute was resolved already")
            }
            store::Error::Busy => DomainError::unavailable("too many changes at once; try again"),
            other => DomainError::internal(other),
        }
    }
}
