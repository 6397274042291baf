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
