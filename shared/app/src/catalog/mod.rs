//! Master data (interests, avatars, FAQs, pages) and coin packages.
//! Other code reaches this domain only through what this file re-exports.

mod masterdata;
mod packages;
pub mod routes;

pub use masterdata::{
    Avatar, AvatarChanges, Faq, FaqChanges, Interest, InterestChanges, PageInput, check_ids, create, put_page,
};
pub use packages::{PackageChanges, create_coin_package, existing_package};
