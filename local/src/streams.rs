//! The table's stream, read locally the way Lambda's event source mappings
//! read it in AWS: new records go to the same handlers, `send-push` (new
//! notifications) or `aggregate` (new money events), one reader each.

use std::collections::HashMap;

use app::AppState;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;

/// Which function's event source mapping a reader stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consumer {
    Push,
    Aggregate,
    /// `publish-live`: room changes onto the live channels.
    Live,
}

pub struct StreamReader {
    consumer: Consumer,
    client: aws_sdk_dynamodbstreams::Client,
    arn: String,
    /// Open shards and where reading goes on.
    iterators: HashMap<String, String>,
    /// Shards read to their end.
    done: std::collections::HashSet<String>,
    /// The last record handled per shard (to resume right after it).
    last_seq: HashMap<String, String>,
    /// Failed tries of the batch at each shard's position.
    failures: HashMap<String, u32>,
}

type Error = Box<dyn std::error::Error + Send + Sync>;
type StreamImage = HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>;

impl StreamReader {
    /// `from_start`: read what is already in the stream too (tests); else only what comes (the dev server).
    pub async fn new(state: &AppState, from_start: bool, consumer: Consumer) -> Result<Self, Error> {
        let table = state.db.client.describe_table().table_name(&state.db.table).send().await?;
        let arn = table.table().and_then(|t| t.latest_stream_arn()).ok_or("the table has no stream")?.to_string();
        let sdk = integrations::aws::sdk_config();
        // Locally moto serves the Streams API beside DynamoDB (`AWS_ENDPOINT_URL`).
        let client = aws_sdk_dynamodbstreams::Client::new(&sdk);
        let mut reader = StreamReader {
            consumer,
            client,
            arn,
            iterators: HashMap::new(),
            done: Default::default(),
            last_seq: HashMap::new(),
            failures: HashMap::new(),
        };
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
            let records: Vec<(String, String, String, Option<StreamImage>)> = out
                .records()
                .iter()
                .filter_map(|r| {
                    let d = r.dynamodb()?;
                    let seq = d.sequence_number().unwrap_or_default().to_string();
                    let key = |k: &str| d.keys().and_then(|m| m.get(k)).and_then(|v| v.as_s().ok()).cloned();
                    // The partition key rides with the sort key: `pk|sk` (a REMOVE has no image to read it from).
                    let sk = format!("{}|{}", key("pk").unwrap_or_default(), key("sk").unwrap_or_default());
                    let name = r.event_name().map(|e| e.as_str().to_string()).unwrap_or_default();
                    Some((seq, name, sk, d.new_image().cloned()))
                })
                .collect();
            count += records.len();
            let last = records.last().map(|r| r.0.clone());
            match self.consumer {
                Consumer::Push => {
                    let notes = records
                        .into_iter()
                        .map(|(seq, name, sk, image)| {
                            let sk = sk.split_once('|').map_or(sk.as_str(), |(_, sk)| sk);
                            let new = name == "INSERT" && store::is_notification_sk(sk);
                            (seq, new.then(|| image.and_then(|i| serde_dynamo::from_item(i).ok())).flatten())
                        })
                        .collect();
                    let failed =
                        app::routes::as_event_function("send-push", app::notifications::handle_records(state, notes))
                            .await;
                    if !failed.is_empty() {
                        tracing::warn!(failed = failed.len(), "pushes failed (locally they are not retried)");
                    }
                }
                Consumer::Live => {
                    let changes = records
                        .into_iter()
                        .filter_map(|(seq, name, keys, image)| {
                            let (pk, sk) = keys.split_once('|')?;
                            Some((seq, store::room_record(&name, pk, sk, image)?))
                        })
                        .collect();
                    app::routes::as_event_function("publish-live", app::live::publish_room_records(state, changes))
                        .await
                        .map_err(|e| e.message)?;
                }
                Consumer::Aggregate => {
                    let range = records.first().map(|r| r.0.clone()).zip(last.clone());
                    let n = records.len();
                    let work = records
                        .into_iter()
                        .filter_map(|(_, name, keys, image)| {
                            let sk = keys.split_once('|').map_or(keys.as_str(), |(_, sk)| sk);
                            app::operations::work_of(&name, sk, image)
                        })
                        .collect();
                    let applied =
                        app::routes::as_event_function("aggregate", app::operations::apply_work(state, work)).await;
                    if let Err(e) = applied {
                        // As the event source mapping does: the same batch again next
                        // time, and after its retries, to the dead-letter queue.
                        let tries = self.failures.entry(shard.clone()).or_default();
                        *tries += 1;
                        if *tries <= AGGREGATE_RETRIES {
                            return Err(e.message.into());
                        }
                        self.dead_letter(state, &shard, range, n).await?;
                    }
                    self.failures.remove(&shard);
                }
            }
            if let Some(seq) = last {
                self.last_seq.insert(shard.clone(), seq);
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

/// Retries of a batch before it goes to the dead-letter queue (the `aggregate` mapping's).
const AGGREGATE_RETRIES: u32 = 10;

impl StreamReader {
    /// Lambda's on-failure record of a stream batch, on the aggregator's dead-letter queue.
    async fn dead_letter(
        &self,
        state: &AppState,
        shard: &str,
        range: Option<(String, String)>,
        size: usize,
    ) -> Result<(), Error> {
        let (Some(url), Some((first, last))) = (state.config.aggregate_dlq_url.as_deref(), range) else {
            tracing::error!(
                shard,
                "a batch the aggregator gave up on, and no dead-letter queue: its events stay pending"
            );
            return Ok(());
        };
        let body = serde_json::json!({
            "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": AGGREGATE_RETRIES + 1},
            "version": "1.0",
            "DDBStreamBatchInfo": {"shardId": shard, "startSequenceNumber": first, "endSequenceNumber": last,
                                   "batchSize": size, "streamArn": self.arn},
        });
        state.queues().send_all(url, &[body.to_string()]).await?;
        tracing::error!(shard, "a batch the aggregator gave up on went to the dead-letter queue (make redrive)");
        Ok(())
    }
}

/// The dev server's loop: polls the stream every `every`. Pushes start at
/// the stream's end; the aggregator at its start (events already applied are skipped).
pub async fn run(state: std::sync::Arc<AppState>, every: std::time::Duration, consumer: Consumer) {
    let mut reader = match StreamReader::new(&state, consumer == Consumer::Aggregate, consumer).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, ?consumer, "cannot read the table's stream");
            return;
        }
    };
    loop {
        match reader.poll(&state).await {
            // More may be waiting: read again at once, as an event source mapping does.
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reading the stream failed; trying again"),
        }
        tokio::time::sleep(every).await;
    }
}
