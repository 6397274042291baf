//! Ids that must not be mixed up: an account's where a room's or a call's is
//! expected is a bug the compiler catches. Use cases whose parameters meet
//! more than one kind take these; the store keeps plain strings (`Deref` to
//! `str` passes them on).

use std::fmt;
use std::ops::Deref;

use crate::kernel::error::DomainResult;
use crate::kernel::validate;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// An id from a request, checked (`field` names it in the 400).
            pub fn parse(field: &str, raw: &str) -> DomainResult<Self> {
                validate::id(field, raw).map(Self)
            }
            /// An id the system issued (a token's subject, a stored item's).
            pub fn known(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id!(
    /// A user's, a host's, an agency's or an admin's account.
    AccountId
);
id!(
    /// A host's account: who streams, takes calls and earns. Where a use case
    /// meets a host and another party (a caller, a viewer), the host is this.
    HostId
);
id!(
    /// A live room.
    RoomId
);
id!(
    /// A private call.
    CallId
);
id!(
    /// A gift of the catalog.
    GiftId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_requests_are_checked_and_pass_on_as_str() {
        let room = RoomId::parse("room_id", "01HROOM").unwrap();
        let s: &str = &room;
        assert_eq!(s, "01HROOM");
        assert!(RoomId::parse("room_id", "not an id!").is_err());
        assert_eq!(AccountId::known("a").to_string(), "a");
    }
}
