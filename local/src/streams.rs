//! The table's stream, read locally the way Lambda's event source mapping
//! reads it in AWS: new records go to the same `send-push` handler.

use std::collections::HashMap;

use app::AppState;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;

pub struct StreamReader {
    client: aws_sdk_dynamodbstreams::Client,
    arn: String,
    /// Open shards and where reading goes on.
    iterators: HashMap<String, String>,
    /// Shards read to their end.
    done: std::collections::HashSet<String>,
    /// The last record handled per shard (to resume right after it).
    last_seq: HashMap<String, String>,
}

type Error = Box<dyn std::error::Error + Send + Sync>;

impl StreamReader {
    /// `from_start`: read what is already in the stream too (tests); else only what comes (the dev server).
    pub async fn new(state: &AppState, from_start: bool) -> Result<Self, Error> {
        let table = state.db.client.describe_table().table_name(&state.db.table).send().await?;
        let arn = table.table().and_then(|t| t.latest_stream_arn()).ok_or("the table has no stream")?.to_string();
        let sdk = integrations::aws::sdk_config();
        // Locally moto serves the Streams API beside DynamoDB (`AWS_ENDPOINT_URL`).
        let client = aws_sdk_dynamodbstreams::Client::new(&sdk);
        let mut reader =
            StreamReader { client, arn, iterators: HashMap::new(), done: Default::default(), last_seq: HashMap::new() };
        reader.find_shards(if from_start { ShardIteratorType::TrimHorizon } else { ShardIteratorType::Latest }).await?;
        Ok(reader)
    }

    /// Starts reading shards not seen yet: at `position` (shards found later: from their beginning).
    async fn find_shards(&mut self, position: ShardIteratorType) -> Result<(), Error> {
        let stream = self.client.describe_stream().stream_arn(&self.arn).send().await?;
        for shard in stream.stream_description().map(|d| d.shards()).unwrap_or_default() {
            let Some(id) = shard.shard_id() else { continue };
            if self.iterators.contains_key(id) || self.done.contains(id) {
                continue;
            }
            let it = self
                .client
                .get_shard_iterator()
                .stream_arn(&self.arn)
                .shard_id(id)
                .shard_iterator_type(position.clone())
                .send()
                .await?;
            if let Some(it) = it.shard_iterator() {
                self.iterators.insert(id.to_string(), it.to_string());
            }
        }
        Ok(())
    }

    /// Reads what is new and hands it to `send-push`; answers how many records came.
    pub async fn poll(&mut self, state: &AppState) -> Result<usize, Error> {
        self.find_shards(ShardIteratorType::TrimHorizon).await?;
        let mut count = 0;
        for (shard, it) in self.iterators.clone() {
            let out = match self.client.get_records().shard_iterator(it).send().await {
                Ok(out) => out,
                // An iterator past the stream's 24 h retention (or, in some
                // emulators, taken from an empty shard's horizon) is refused:
                // resume after the last record handled (or from the horizon).
                Err(e) if e.as_service_error().is_some_and(|s| s.is_trimmed_data_access_exception()) => {
                    let req = self.client.get_shard_iterator().stream_arn(&self.arn).shard_id(&shard);
                    let req = match self.last_seq.get(&shard) {
                        Some(seq) => {
                            req.shard_iterator_type(ShardIteratorType::AfterSequenceNumber).sequence_number(seq)
                        }
                        None => req.shard_iterator_type(ShardIteratorType::TrimHorizon),
                    };
                    let it = req.send().await?;
                    let Some(it) = it.shard_iterator() else { continue };
                    self.client.get_records().shard_iterator(it).send().await?
                }
                Err(e) => return Err(e.into()),
            };
            let records: Vec<(String, Option<store::Notification>)> = out
                .records()
                .iter()
                .filter_map(|r| {
                    let d = r.dynamodb()?;
                    let seq = d.sequence_number().unwrap_or_default().to_string();
                    let sk =
                        d.keys().and_then(|k| k.get("sk")).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
                    let insert = r.event_name().is_some_and(|e| e.as_str() == "INSERT");
                    let n = (insert && store::is_notification_sk(&sk))
                        .then(|| d.new_image().cloned().and_then(|i| serde_dynamo::from_item(i).ok()))
                        .flatten();
                    Some((seq, n))
                })
                .collect();
            count += records.len();
            if let Some((seq, _)) = records.last() {
                self.last_seq.insert(shard.clone(), seq.clone());
            }
            let failed = app::push::handle_records(state, records).await;
            if !failed.is_empty() {
                tracing::warn!(failed = failed.len(), "pushes failed (locally they are not retried)");
            }
            match out.next_shard_iterator() {
                Some(next) => {
                    self.iterators.insert(shard, next.to_string());
                }
                None => {
                    self.iterators.remove(&shard);
                    self.done.insert(shard);
                }
            }
        }
        Ok(count)
    }
}

/// The dev server's loop: polls the stream every `every`.
pub async fn run(state: std::sync::Arc<AppState>, every: std::time::Duration) {
    let mut reader = match StreamReader::new(&state, false).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the table's stream: no pushes");
            return;
        }
    };
    loop {
        if let Err(e) = reader.poll(&state).await {
            tracing::warn!(error = %e, "reading the stream failed; trying again");
        }
        tokio::time::sleep(every).await;
    }
}
