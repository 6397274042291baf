use serde_json::json;

/// The one error type of every use case. `status`/`code` are PRODUCT.md's;
/// `http::handle` turns it into the response in one place.
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// 429: when to try again (the body's `retry_after_secs` and the `Retry-After` header).
    pub retry_after_secs: Option<i64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), retry_after_secs: None }
    }
    /// 400 naming what is wrong, e.g. `invalid("password: must be at least 8 characters")`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request", message)
    }
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(401, "unauthenticated", message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "forbidden", message)
    }
    /// 403 `banned`: the account may not create content, move coins or go live.
    pub fn banned() -> Self {
        Self::new(403, "banned", "this account is banned")
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "not_found", message)
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(409, code, message)
    }
    pub fn rate_limited(message: impl Into<String>, retry_after_secs: i64) -> Self {
        ApiError { retry_after_secs: Some(retry_after_secs.max(1)), ..Self::new(429, "rate_limited", message) }
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "unavailable", message)
    }
    /// A bug or an outage: the cause goes to the log, never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(500, "internal", "internal error")
    }

    pub fn body(&self) -> serde_json::Value {
        let mut body = json!({ "error": self.code, "message": self.message });
        if let Some(secs) = self.retry_after_secs {
            body["retry_after_secs"] = secs.into();
        }
        body
    }
}

impl From<store::Error> for ApiError {
    /// Conditions a use case did not map itself get their generic meaning here.
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::Condition("bad_cursor") => ApiError::invalid("cursor: not a cursor of this list"),
            store::Error::Condition("not_found" | "account_missing") => ApiError::not_found("account not found"),
            store::Error::Condition("account_exists") => {
                ApiError::conflict("account_exists", "an account with this e-mail or phone already exists")
            }
            store::Error::Condition("already_following") => {
                ApiError::conflict("already_following", "you already follow this user")
            }
            // Seen only by `wallet::with_retries`, which retries or replays.
            store::Error::Condition(c @ ("balance_changed" | "idempotent_replay")) => {
                ApiError::conflict(c, "the balance changed meanwhile; try again")
            }
            store::Error::Condition("account_banned") => ApiError::banned(),
            store::Error::Condition("blocked") => ApiError::new(403, "blocked", "this account blocked you"),
            store::Error::Condition("kicked") => {
                ApiError::new(403, "kicked", "you were removed from this room; you cannot rejoin yet")
            }
            store::Error::Condition("not_following") => ApiError::not_found("you do not follow this user"),
            store::Error::Busy => ApiError::unavailable("too many changes at once; try again"),
            other => ApiError::internal(other),
        }
    }
}
