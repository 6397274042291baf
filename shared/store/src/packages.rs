use serde::{Deserialize, Serialize};

use crate::catalog::catalog_entry;

/// A coin package the apps sell: `coins + bonus_coins` for `price_minor` in `currency`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CoinPackage {
    pub id: String,
    pub coins: i64,
    pub bonus_coins: i64,
    pub price_minor: i64,
    pub currency: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

catalog_entry!(CoinPackage, |e| format!("{:012}", e.coins));

/// A track posts can use: an admin-uploaded audio file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Audio {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    pub media_key: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

// Alphabetical by title (the list's order); the id breaks ties.
catalog_entry!(Audio, |e| e.title.to_lowercase().chars().take(40).collect());

/// Master data: interests people pick for their profiles.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Interest {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_key: Option<String>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}
catalog_entry!(Interest, |e| e.name.to_lowercase().chars().take(40).collect());

/// Master data: stock avatars people can pick.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Avatar {
    pub id: String,
    pub image_key: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}
// Oldest first: ids are ULIDs, so the id alone orders them by creation.
catalog_entry!(Avatar, |_| String::new());

/// Master data: a question and its answer, in the order the admins give.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Faq {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub position: i64,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}
catalog_entry!(Faq, |e| format!("{:06}", e.position));

/// A page of text the apps show (terms, privacy), by slug.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SitePage {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}
