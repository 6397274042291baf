use serde::{Deserialize, Serialize};

use crate::catalog::CatalogEntry;

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

impl CatalogEntry for CoinPackage {
    fn id(&self) -> &str {
        &self.id
    }
    fn active(&self) -> bool {
        self.active
    }
    fn retire(&mut self, now: i64) {
        self.active = false;
        self.updated_at = now;
    }
    fn sort_key(&self) -> String {
        format!("{:012}", self.coins)
    }
}

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

impl CatalogEntry for Audio {
    fn id(&self) -> &str {
        &self.id
    }
    fn active(&self) -> bool {
        self.active
    }
    fn retire(&mut self, now: i64) {
        self.active = false;
        self.updated_at = now;
    }
    fn sort_key(&self) -> String {
        // Alphabetical by title (the list's order); the id breaks ties.
        self.title.to_lowercase().chars().take(40).collect()
    }
}
