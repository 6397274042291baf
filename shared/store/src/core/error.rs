use aws_sdk_dynamodb::error::SdkError;

pub type Result<T> = std::result::Result<T, Error>;

/// What the store can tell its callers. `Condition` carries the domain reason a
/// transaction's condition named (e.g. `already_following`), so callers map it
/// to a 4xx without knowing which item failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("condition failed: {0}")]
    Condition(&'static str),
    /// Other transactions kept conflicting on the same items for the whole retry budget.
    #[error("transaction conflicts outlasted the retry budget")]
    Busy,
    #[error("stored item is malformed: {0}")]
    Corrupt(String),
    #[error("dynamodb: {0}")]
    Db(String),
}

/// DynamoDB's answers that mean "too much at once, try again": a transaction
/// holding the item, or throttling (a hot partition, the table's or the
/// account's limits). Past the SDK's own retries they are busy (503 with
/// `Retry-After`), not broken.
pub(crate) const BUSY_CODES: &[&str] = &[
    "TransactionConflictException",
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
];

impl<E: std::error::Error + 'static, R: std::fmt::Debug> From<SdkError<E, R>> for Error {
    fn from(e: SdkError<E, R>) -> Self {
        let text = aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string();
        if BUSY_CODES.iter().any(|c| text.contains(c)) {
            return Error::Busy;
        }
        Error::Db(text)
    }
}

impl From<aws_sdk_dynamodb::Error> for Error {
    fn from(e: aws_sdk_dynamodb::Error) -> Self {
        use aws_sdk_dynamodb::error::ProvideErrorMetadata;
        if e.code().is_some_and(|c| BUSY_CODES.contains(&c)) {
            return Error::Busy;
        }
        Error::Db(e.to_string())
    }
}

impl From<serde_dynamo::Error> for Error {
    fn from(e: serde_dynamo::Error) -> Self {
        Error::Corrupt(e.to_string())
    }
}
