//! Rules of the ledger every coin-moving use case shares.

use crate::kernel::error::DomainError;
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;

/// Ledger entry ids: time-ordered, unique.
pub use store::entry_id;

/// 402 `coin_debt` while a refund's debt is owed.
pub fn no_debt(coin_debt: i64) -> DomainResult<()> {
    if coin_debt > 0 {
        return Err(DomainError::new(
            ErrorKind::Payment,
            "coin_debt",
            format!("a refund left {coin_debt} coins owed; the next recharge pays them first"),
        ));
    }
    Ok(())
}
