//! What an agency's commission rate stands on: the month's revenue of its
//! settlements and the commission tiers admins set.

use aws_sdk_dynamodb::types::AttributeValue;

use super::agency::Settlement;
use crate::core::db::{Db, num_av};
use crate::core::error::Result;
use crate::core::keys;

impl Db {
    /// The gross (minor units) of an agency's settlements made in `[from, to)`.
    pub async fn agency_revenue(&self, agency_id: &str, from: i64, to: i64) -> Result<i64> {
        Ok(self.agency_settlements(agency_id, from, to).await?.iter().map(|s| s.gross_minor).sum())
    }

    /// An agency's settlements made in `[from, to)`, oldest first.
    pub async fn agency_settlements(&self, agency_id: &str, from: i64, to: i64) -> Result<Vec<Settlement>> {
        let (lo, hi) = (keys::by_time(from, ""), keys::by_time(to - 1, "~"));
        let items = self.gsi1_between(&keys::settlements_of_agency(agency_id), &lo, &hi).await?;
        items.into_iter().map(|i| serde_dynamo::from_item(i).map_err(Into::into)).collect()
    }

    /// The agency commission tiers: `[min_revenue_minor, commission_bps]`, rising.
    pub async fn get_agency_tiers(&self) -> Result<Option<Vec<[i64; 2]>>> {
        let item = self.get(keys::SETTINGS.to_string(), keys::AGENCY_TIERS).await?;
        Ok(match item {
            Some(i) => {
                Some(serde_dynamo::from_attribute_value(i.get("tiers").cloned().unwrap_or(AttributeValue::L(vec![])))?)
            }
            None => None,
        })
    }

    pub async fn put_agency_tiers(&self, tiers: &[[i64; 2]], now: i64) -> Result<()> {
        let mut item = Self::key(keys::SETTINGS.to_string(), keys::AGENCY_TIERS);
        item.insert("tiers".into(), serde_dynamo::to_attribute_value(tiers)?);
        item.insert("updated_at".into(), num_av(now));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }
}
