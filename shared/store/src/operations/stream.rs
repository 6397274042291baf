//! The table's stream read back over a range of sequence numbers: what a
//! batch the aggregator dead-lettered held (its message names the shard and
//! the first and last record), for `redrive`. Streams keep records 24 h.

use aws_sdk_dynamodbstreams::types::ShardIteratorType;

use crate::core::error::{Error, Result};

/// A record of the table's stream: its sequence number, `INSERT`/`MODIFY`/
/// `REMOVE`, the item's sort key and its new image.
pub struct StreamRecord {
    pub sequence: String,
    pub event_name: String,
    pub sk: String,
    pub new_image: Option<serde_dynamo::Item>,
}

/// Sequence numbers are decimal strings of any length: compared as numbers.
fn seq_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The records of `shard` from `first` to `last` (both included), or `None`
/// when the stream no longer has them (past its 24 h, or the shard is gone).
pub async fn records_between(
    client: &aws_sdk_dynamodbstreams::Client,
    stream_arn: &str,
    shard: &str,
    first: &str,
    last: &str,
) -> Result<Option<Vec<StreamRecord>>> {
    let gone = |e: &aws_sdk_dynamodbstreams::operation::get_shard_iterator::GetShardIteratorError| {
        e.is_trimmed_data_access_exception() || e.is_resource_not_found_exception()
    };
    let it = match client
        .get_shard_iterator()
        .stream_arn(stream_arn)
        .shard_id(shard)
        .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
        .sequence_number(first)
        .send()
        .await
    {
        Ok(out) => out.shard_iterator().map(String::from),
        Err(e) if e.as_service_error().is_some_and(gone) => return Ok(None),
        Err(e) => return Err(Error::Db(aws_sdk_dynamodbstreams::error::DisplayErrorContext(e).to_string())),
    };
    let mut out = Vec::new();
    let mut next = it;
    while let Some(it) = next {
        let page = match client.get_records().shard_iterator(it).send().await {
            Ok(p) => p,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_trimmed_data_access_exception()) => return Ok(None),
            Err(e) => return Err(Error::Db(aws_sdk_dynamodbstreams::error::DisplayErrorContext(e).to_string())),
        };
        if page.records().is_empty() {
            break;
        }
        for r in page.records() {
            let Some(d) = r.dynamodb() else { continue };
            let sequence = d.sequence_number().unwrap_or_default().to_string();
            if seq_cmp(&sequence, last) == std::cmp::Ordering::Greater {
                return Ok(Some(out));
            }
            let sk = d.keys().and_then(|k| k.get("sk")).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            out.push(StreamRecord {
                sequence,
                event_name: r.event_name().map(|e| e.as_str().to_string()).unwrap_or_default(),
                sk,
                new_image: d.new_image().cloned().map(Into::into),
            });
        }
        next = page.next_shard_iterator().map(String::from);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sequence_numbers_compare_as_numbers_not_as_text() {
        use std::cmp::Ordering::*;
        assert_eq!(super::seq_cmp("900", "1000"), Less);
        assert_eq!(super::seq_cmp("1000", "1000"), Equal);
        assert_eq!(super::seq_cmp("49612", "49611"), Greater);
    }
}
